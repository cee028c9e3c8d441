/**
 * The vocabulary every process shares about a checkout workflow, defined once and imported
 * downward by the workflows, the activities, the worker and the API: workflow ids, the
 * messages a checkout understands, and the failure types that end a step for good.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CheckoutView, OpenedCheckout } from '../domain/checkout';
import type { PaymentStatus } from '../providers/types';
import { OPERATOR_ACTIONS, type ActionOf, type ActionResult, type OperatorActionName } from '../domain/operations';

// ── Workflow ids: built from business ids here and nowhere else ──────────────────────────
export const CHECKOUT_WORKFLOW_PREFIX = 'checkout-';

export function checkoutWorkflowId(orderId: string): string {
  return `${CHECKOUT_WORKFLOW_PREFIX}${orderId}`;
}

export function orderIdFromWorkflowId(workflowId: string): string | null {
  return workflowId.startsWith(CHECKOUT_WORKFLOW_PREFIX) ? workflowId.slice(CHECKOUT_WORKFLOW_PREFIX.length) : null;
}

// ── Signals: external events, each carrying the provider's event id so repeats are recognised ──
export interface PaymentEvent {
  /** Provider event id (webhook), or a key derived from what was verified (return, operator). */
  eventId: string;
  /** Where the event came from, for the order's history. */
  source: 'webhook' | 'return' | 'api' | 'admin' | 'reconcile';
  paymentId?: string;
  reason?: string;
}

export type PaymentEventKind = 'captured' | 'authorized' | 'expired' | 'cancelled' | 'signed' | 'refunded';

export const paymentSignals: Record<PaymentEventKind, ReturnType<typeof defineSignal<[PaymentEvent]>>> = {
  captured: defineSignal<[PaymentEvent]>('captured'),
  authorized: defineSignal<[PaymentEvent]>('authorized'),
  expired: defineSignal<[PaymentEvent]>('expired'),
  cancelled: defineSignal<[PaymentEvent]>('cancelled'),
  signed: defineSignal<[PaymentEvent]>('signed'),
  refunded: defineSignal<[PaymentEvent]>('refunded'),
};
export const capturedSignal = paymentSignals.captured;
export const authorizedSignal = paymentSignals.authorized;
export const expiredSignal = paymentSignals.expired;
export const cancelledSignal = paymentSignals.cancelled;
export const signedSignal = paymentSignals.signed;
export const refundedSignal = paymentSignals.refunded;

/** The signal a provider's answer becomes; `open` (nothing happened yet) becomes none. */
const SIGNAL_FOR: Record<PaymentStatus, PaymentEventKind | null> = {
  open: null,
  pending: 'authorized',
  authorized: 'authorized',
  captured: 'captured',
  cancelled: 'cancelled',
  denied: 'cancelled',
  failed: 'cancelled',
  expired: 'expired',
  refunded: 'refunded',
};

export function signalFor(status: PaymentStatus): PaymentEventKind | null {
  return SIGNAL_FOR[status];
}

/** The same shape as `GET /checkouts/{orderId}`. */
export const statusQuery = defineQuery<CheckoutView>('status');

/**
 * Sent with start (update-with-start): answers once the provider's page exists, so the API can
 * hand the next action back synchronously. The argument is the request's hash, which makes a
 * repeated `POST /checkouts` with the same order id idempotent.
 */
export const openCheckoutUpdate = defineUpdate<OpenedCheckoutReply, [string]>('openCheckout');

/** `repeated` tells the API whether this request started the checkout (201) or repeated it (200). */
export type OpenedCheckoutReply = OpenedCheckout & { repeated: boolean };

/**
 * Operator actions: one update per action, named as the action (`refund`, `markPaid`, …). Each
 * has a validator, so an illegal move is refused at once with a reason and leaves no trace;
 * an accepted one is in the history with the operator's name and reason.
 */
export const operatorUpdates = Object.fromEntries(OPERATOR_ACTIONS.map((name) => [name, defineUpdate(name)])) as {
  [Name in OperatorActionName]: UpdateDefinition<ActionResult, [ActionOf<Name>], Name>;
};

// ── Failure types: the business "no"s that end a step for good (never retried) ─────────────
export const SOLD_OUT = 'SoldOut';
export const NO_HOLD = 'NoHold';
export const PROVIDER_REJECTED = 'ProviderRejected';
export const PROVIDER_MISSING = 'ProviderMissing';
export const PROVIDER_UNAVAILABLE = 'ProviderUnavailable';
export const ORDER_NOT_FOUND = 'OrderNotFound';
export const PAYMENT_MISMATCH = 'PaymentMismatch';
export const IDEMPOTENCY_CONFLICT = 'IdempotencyConflict';
export const CHECKOUT_CANCELLED = 'CheckoutCancelled';
/** An operator's action refused by its validator (nothing happened) or failed while carried out. */
export const ACTION_REJECTED = 'ActionRejected';
export const ACTION_FAILED = 'ActionFailed';

/** What activities may throw that no retry can change. */
export const BUSINESS_FAILURES = [SOLD_OUT, NO_HOLD, PROVIDER_REJECTED, PROVIDER_MISSING, ORDER_NOT_FOUND, PAYMENT_MISMATCH] as const;
