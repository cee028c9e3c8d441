import type { KomojuEventType, KomojuPaymentStatus } from '../../providers/komoju/types';
import type { SandboxContext } from './context';
import { KomojuHttpError } from './http';
import { settleDeadline } from './konbini';
import { type PaymentDoc, toWirePayment } from './store';

/**
 * Payment state changes shared by the merchant API (`/api/v1/payments/:id/cancel`) and the
 * operator page (`/payments/:id/...`). Each is one status-guarded update, so a double click or
 * two racing callers move the payment (and send its webhook) once; the loser gets a 422.
 */

export async function mustFindPayment(ctx: SandboxContext, id: string): Promise<PaymentDoc> {
  const payment = await ctx.store.findPayment(id);
  if (!payment) throw new KomojuHttpError(404, 'No such payment.');
  // An overdue slip expires before anything else may happen to it.
  return settleDeadline(ctx, payment);
}

async function move(
  ctx: SandboxContext,
  id: string,
  from: KomojuPaymentStatus[],
  set: Partial<Omit<PaymentDoc, '_id'>> & { status: KomojuPaymentStatus },
  event: KomojuEventType,
  refusal: (payment: PaymentDoc) => string,
  check?: (payment: PaymentDoc) => void,
): Promise<PaymentDoc> {
  const payment = await mustFindPayment(ctx, id);
  check?.(payment);
  const now = ctx.now();
  // Konbini: the deadline guard keeps a late "pay" from beating the expiry.
  const guard = payment.payment_deadline ? { payment_deadline: { $gt: now } } : {};
  const moved = from.includes(payment.status) ? await ctx.store.transitionPayment(id, from, set, guard) : null;
  if (!moved) {
    const current = await mustFindPayment(ctx, id);
    throw new KomojuHttpError(422, refusal(current));
  }
  ctx.log.info({ paymentId: id, status: moved.status }, `komoju sandbox: payment ${moved.status}`);
  await ctx.webhooks.send(event, toWirePayment(moved));
  return moved;
}

/** pending/authorized → cancelled (`payment.cancelled`). */
export function cancelPayment(ctx: SandboxContext, id: string): Promise<PaymentDoc> {
  return move(
    ctx,
    id,
    ['pending', 'authorized'],
    { status: 'cancelled', cancelled_at: ctx.now() },
    'payment.cancelled',
    (p) => `The payment is ${p.status}; only pending or authorized payments can be cancelled.`,
  );
}

/** The customer paid cash at the store: authorized konbini → captured (`payment.captured`). */
export function payAtStore(ctx: SandboxContext, id: string): Promise<PaymentDoc> {
  return move(
    ctx,
    id,
    ['authorized'],
    { status: 'captured', captured_at: ctx.now() },
    'payment.captured',
    (p) => `The payment is ${p.status}; only an authorized konbini payment can be paid at the store.`,
    (p) => {
      if (p.payment_details.type !== 'konbini') throw new KomojuHttpError(422, 'Only konbini payments are paid at a store.');
    },
  );
}

/** The deadline passed (operator shortcut): pending/authorized → expired (`payment.expired`). */
export function expirePayment(ctx: SandboxContext, id: string): Promise<PaymentDoc> {
  return move(
    ctx,
    id,
    ['pending', 'authorized'],
    { status: 'expired' },
    'payment.expired',
    (p) => `The payment is ${p.status}; only pending or authorized payments can expire.`,
  );
}
