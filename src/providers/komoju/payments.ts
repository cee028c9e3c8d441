/**
 * KOMOJU's sessions and payments, read as the checkout's normalised payment. Everything that
 * knows what a KOMOJU status means lives here.
 */
import type { PendingPayment } from '../../domain/checkout';
import { ProviderError, type PaymentStatus, type ProviderPayment } from '../types';
import type { KomojuPayment, KomojuSession } from './types';

/** KOMOJU's merchant default for how long a konbini slip stays payable (unconfirmed per store). */
const DEFAULT_KONBINI_DAYS = 3;

const STATUS: Record<string, PaymentStatus> = {
  pending: 'open', // started, the customer has not finished at KOMOJU yet
  authorized: 'authorized',
  captured: 'captured',
  expired: 'expired',
  cancelled: 'cancelled',
  refunded: 'refunded',
  failed: 'failed',
};

export function fromPayment(payment: KomojuPayment, konbiniGraceMs: number): ProviderPayment {
  const status = STATUS[payment.status];
  if (!status) {
    throw new ProviderError(`KOMOJU payment ${payment.id} has unknown status "${String(payment.status)}"`, 200, 'unexpected_status', false);
  }
  const result: ProviderPayment = {
    paymentId: payment.id,
    status,
    amount: payment.amount,
    currency: payment.currency,
    owner: { orderId: payment.external_order_num ?? null, reference: payment.session ?? null },
  };
  // An authorized konbini payment is a slip: the money comes when the customer pays at the store.
  const slip = konbiniSlip(payment, konbiniGraceMs);
  return slip && status === 'authorized' ? { ...result, status: 'pending', pending: slip } : result;
}

/** What a session says about the checkout; a payment, once there is one, is the truth. */
export function fromSession(session: KomojuSession, konbiniGraceMs: number): ProviderPayment {
  const owner = { orderId: session.payment_data?.external_order_num ?? session.payment?.external_order_num ?? null, reference: session.id };
  const open = session.status === 'pending' && !session.expired;
  if (session.payment) {
    const payment = { ...fromPayment(session.payment, konbiniGraceMs), owner };
    // A failed attempt on a page that is still open: the customer may try another card.
    if (open && ['failed', 'cancelled', 'expired'].includes(payment.status)) return { ...payment, status: 'open' };
    // A cancelled page whose payment never went anywhere is cancelled.
    if (session.status === 'cancelled' && payment.status === 'open') return { ...payment, status: 'cancelled' };
    return payment;
  }
  const base = { paymentId: null, amount: session.amount, currency: session.currency, owner };
  switch (session.status) {
    case 'pending':
      return { ...base, status: open ? 'open' : 'expired' };
    case 'cancelled':
      return { ...base, status: 'cancelled' };
    case 'completed':
      // "completed" promises a payment; without one the answer is incomplete: ask again.
      throw new ProviderError(`KOMOJU session ${session.id} is completed but has no payment`, 200, 'invalid_response', true);
    default:
      throw new ProviderError(`KOMOJU session ${session.id} has unknown status "${String(session.status)}"`, 200, 'unexpected_status', false);
  }
}

/**
 * A konbini payment's slip: the store's deadline (23:59:59 JST of the last day) and, after it,
 * our grace before the one final check.
 */
export function konbiniSlip(payment: KomojuPayment, konbiniGraceMs: number): PendingPayment | undefined {
  const details = payment.payment_details as { type?: unknown; store?: unknown; instructions_url?: unknown; confirmation_code?: unknown } | null;
  if (!details || details.type !== 'konbini') return undefined;
  const deadline = payment.payment_deadline ?? new Date(Date.parse(payment.created_at) + DEFAULT_KONBINI_DAYS * 86_400_000).toISOString();
  const store = typeof details.store === 'string' ? details.store : undefined;
  const slip: Record<string, string> = {};
  if (store) slip.store = store;
  if (typeof details.instructions_url === 'string') slip.instructionsUrl = details.instructions_url;
  if (typeof details.confirmation_code === 'string') slip.confirmationCode = details.confirmation_code;
  return {
    kind: 'konbini',
    reason: `konbini slip issued${store ? ` at ${store}` : ''}: waiting for the customer to pay at the store`,
    deadline,
    settleBy: new Date(Date.parse(deadline) + konbiniGraceMs).toISOString(),
    details: slip,
    notice: 'konbini_instructions',
  };
}
