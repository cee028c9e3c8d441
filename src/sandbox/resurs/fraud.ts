import { afterChange, finalizeIfDue, note, notFound } from './booking';
import type { CallbackEvent } from './callbacks';
import type { ResursSandboxContext } from './context';
import type { PaymentDoc } from './store';

/**
 * The fraud checks after a booking (docs/configuration-service/callbacks/parameters-and-callbacks.md):
 * the automatic control answers AUTOMATIC_FRAUD_CONTROL FROZEN or THAWED (seconds after a
 * booking made with waitForFraudControl=false, when the payment was answered FROZEN meanwhile);
 * a frozen payment is then inspected by hand and ends with UNFREEZE or ANNULMENT (aftershop.ts).
 * `automatic` is the sandbox's own delayed control; `thaw` / `unfreeze` are the operator's buttons.
 *
 * thaw() lifts a freeze: `automatic` / `thaw` = the automatic fraud control passed it
 * (AUTOMATIC_FRAUD_CONTROL THAWED); `unfreeze` = the fraud team's manual inspection did (UNFREEZE).
 * With finalizeIfBooked the payment is then debited (FINALIZATION). Null when it was not frozen.
 */
export async function thaw(ctx: ResursSandboxContext, paymentId: string, how: 'automatic' | 'thaw' | 'unfreeze'): Promise<PaymentDoc | null> {
  const now = ctx.now();
  let callbacks: CallbackEvent[] = [];
  const changed = await ctx.store.modify(
    paymentId,
    (doc): { doc?: PaymentDoc; result: boolean } => {
      if (doc.state !== 'BOOKED' || !doc.frozen || (how === 'automatic' && !doc.fraudControlPending)) return { result: false };
      doc.frozen = false;
      doc.fraudControlPending = false;
      note(doc, now, how === 'unfreeze' ? 'unfrozen after manual inspection' : 'thawed by the automatic fraud control');
      callbacks = [how === 'unfreeze' ? { type: 'UNFREEZE', paymentId } : { type: 'AUTOMATIC_FRAUD_CONTROL', paymentId, result: 'THAWED' }];
      // (unconfirmed) that a manual UNFREEZE also honours finalizeIfBooked.
      callbacks.push(...finalizeIfDue(doc, now));
      return { doc, result: true };
    },
    now,
  );
  if (!changed) throw notFound(paymentId);
  await afterChange(ctx, paymentId, callbacks);
  return changed.result ? changed.doc : null;
}
