/**
 * Every message a checkout workflow understands, defined once for the worker, the workflow
 * and the API. Signals carry the provider's event id so repeats are recognised.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CheckoutView, OpenedCheckout } from '../src/domain/checkout';

export interface PaymentEvent {
  /** Provider event id (webhook) or a key derived from what was verified (redirect, admin). */
  eventId: string;
  /** Where the event came from, for the order's history. */
  source: 'webhook' | 'return' | 'api' | 'admin' | 'reconcile';
  paymentId?: string;
  reason?: string;
}

export const capturedSignal = defineSignal<[PaymentEvent]>('captured');
export const authorizedSignal = defineSignal<[PaymentEvent]>('authorized');
export const expiredSignal = defineSignal<[PaymentEvent]>('expired');
export const cancelledSignal = defineSignal<[PaymentEvent]>('cancelled');
export const signedSignal = defineSignal<[PaymentEvent]>('signed');
export const refundedSignal = defineSignal<[PaymentEvent]>('refunded');

export type PaymentEventKind = 'captured' | 'authorized' | 'expired' | 'cancelled' | 'signed' | 'refunded';
export const paymentSignals = {
  captured: capturedSignal,
  authorized: authorizedSignal,
  expired: expiredSignal,
  cancelled: cancelledSignal,
  signed: signedSignal,
  refunded: refundedSignal,
} as const;

/** The same shape as `GET /checkouts/{orderId}`. */
export const statusQuery = defineQuery<CheckoutView>('status');

/**
 * Sent with start (update-with-start): answers once the provider session exists, so the API
 * can hand the redirect URL back synchronously. The argument is the request's hash, which
 * makes a repeated `POST /checkouts` with the same order id idempotent.
 */
export const openCheckoutUpdate = defineUpdate<OpenedCheckoutReply, [string]>('openCheckout');

/** `repeated` tells the API whether this request started the checkout (201) or repeated it (200). */
export type OpenedCheckoutReply = OpenedCheckout & { repeated: boolean };

/** Failure types the API maps to HTTP errors. */
export const SOLD_OUT = 'SoldOut';
export const IDEMPOTENCY_CONFLICT = 'IdempotencyConflict';
export const CHECKOUT_CLOSED = 'CheckoutClosed';
