/**
 * Resurs Bank's bookings and payments, read as the checkout's normalised payment. Everything
 * that knows what a Resurs status means lives here.
 */
import type { PendingPayment } from '../../domain/checkout';
import type { ProviderPayment } from '../types';
import type { BookPaymentResult, ResursPayment } from './client';

export interface Reading {
  /** The order's currency: Resurs answers in the account's one currency and does not name it. */
  currency: string;
  /** How long a fraud review may take before the checkout asks once more and annuls. */
  reviewTimeoutMs: number;
  now: Date;
}

function review(reviewTimeoutMs: number, now: Date): PendingPayment {
  return {
    kind: 'review',
    reason: 'under review at Resurs Bank (fraud control)',
    settleBy: new Date(now.getTime() + reviewTimeoutMs).toISOString(),
    notice: 'payment_under_review',
    lapse: 'cancelled',
  };
}

/** The synchronous answer of bookPayment / bookSignedPayment. */
export function fromBooking(result: BookPaymentResult, amount: number, { currency, reviewTimeoutMs, now }: Reading): ProviderPayment {
  const base = { paymentId: result.paymentId, amount: result.approvedAmount ?? amount, currency, owner: { orderId: null, reference: result.paymentId } };
  switch (result.bookPaymentStatus) {
    case 'FINALIZED':
      return { ...base, status: 'captured' };
    case 'BOOKED':
      return { ...base, status: 'authorized' };
    case 'FROZEN':
      return { ...base, status: 'pending', pending: review(reviewTimeoutMs, now) };
    case 'SIGNING':
      return { ...base, status: 'open' };
    case 'DENIED':
      return { ...base, status: 'denied', reason: 'denied by Resurs Bank' };
  }
}

/** What getPayment says; the order of the checks matters (an annulled payment may still list DEBITABLE). */
export function fromPayment(payment: ResursPayment, { currency, reviewTimeoutMs, now }: Reading): ProviderPayment {
  const base = { paymentId: payment.id, amount: payment.totalAmount, currency, owner: { orderId: null, reference: payment.id } };
  const has = (status: string) => payment.status.includes(status);
  if (has('IS_CREDITED')) return { ...base, status: 'refunded' };
  if (has('IS_ANNULLED')) return { ...base, status: 'cancelled', reason: 'annulled at Resurs Bank' };
  if (has('IS_DEBITED')) return { ...base, status: 'captured' };
  if (payment.frozen) return { ...base, status: 'pending', pending: review(reviewTimeoutMs, now) };
  if (has('DEBITABLE')) return { ...base, status: 'authorized' };
  return { ...base, status: 'open' };
}
