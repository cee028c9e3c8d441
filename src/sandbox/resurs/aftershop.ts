import type { ResursSpecLine } from '../../providers/resurs/types';
import { afterChange, annulRemaining, notFound, SandboxFault } from './booking';
import type { CallbackEvent } from './callbacks';
import type { ResursSandboxContext } from './context';
import { amounts, type DiffDoc, type PaymentDoc } from './store';

/**
 * AfterShopFlowService (docs/after-shop-service-api/*): finalize (debit) a booked, not frozen
 * payment; annul what is not debited yet; credit what was debited. Amounts per Resurs' table:
 * finalize/annul at most AUTHORIZE − DEBIT − ANNUL, credit at most DEBIT − CREDIT.
 * (unconfirmed) which errorTypeId Resurs uses for each refusal; the sandbox's choice is noted.
 * Each change is followed by an UPDATE callback with its paymentDiff (unconfirmed: Resurs
 * documents UPDATE as "a payment is updated" with DEBIT/ANNUL examples); a full annulment also
 * by ANNULMENT.
 */

export interface PartSpec {
  transactionId: string | null;
  totalAmount: number | null;
  totalVatAmount: number | null;
  specLines: ResursSpecLine[];
  createdBy: string | null;
}

const EPSILON = 0.005;

function diff(type: DiffDoc['type'], spec: PartSpec, amount: number, now: Date): DiffDoc {
  return {
    type,
    transactionId: spec.transactionId,
    created: now,
    createdBy: spec.createdBy ?? 'AFTER_SHOP',
    totalAmount: amount,
    totalVatAmount: spec.totalVatAmount,
    specLines: spec.specLines,
  };
}

/** UPDATE's POST body: `{paymentDiff}` as in Resurs' example (created as epoch milliseconds). */
export function updateEvent(paymentId: string, d: DiffDoc): CallbackEvent {
  return {
    type: 'UPDATE',
    paymentId,
    body: {
      paymentDiff: {
        type: d.type,
        transactionId: d.transactionId,
        created: d.created.getTime(),
        createdBy: d.createdBy,
        paymentSpecification: {
          paymentSpecificationLines: d.specLines.length ? d.specLines : null,
          totalAmount: d.totalAmount,
          totalVatAmount: d.totalVatAmount,
          bonusPoints: 0,
        },
        orderId: null,
        invoiceId: null,
      },
    },
  };
}

function amountOf(spec: PartSpec, max: number): number {
  if (spec.totalAmount === null) return max;
  if (!(spec.totalAmount > 0)) throw new SandboxFault(1, 'partPaymentSpec.totalAmount must be more than 0.');
  return spec.totalAmount;
}

/** A repeated call with a transactionId already used on this payment changes nothing (unconfirmed for Resurs). */
const already = (doc: PaymentDoc, type: DiffDoc['type'], spec: PartSpec) =>
  spec.transactionId !== null && doc.diffs.some((d) => d.type === type && d.transactionId === spec.transactionId);

async function change(
  ctx: ResursSandboxContext,
  paymentId: string,
  apply: (doc: PaymentDoc, now: Date) => CallbackEvent[] | null,
): Promise<PaymentDoc> {
  const now = ctx.now();
  let callbacks: CallbackEvent[] = [];
  const changed = await ctx.store.modify(
    paymentId,
    (doc): { doc?: PaymentDoc; result: null } => {
      // Attempts that were never booked (signing, denied) are no payments.
      if (doc.state !== 'BOOKED') throw notFound(paymentId);
      const events = apply(doc, now);
      if (!events) return { result: null };
      callbacks = events;
      return { doc, result: null };
    },
    now,
  );
  if (!changed) throw notFound(paymentId);
  await afterChange(ctx, paymentId, callbacks);
  return changed.doc;
}

export function finalizePayment(ctx: ResursSandboxContext, paymentId: string, spec: PartSpec): Promise<PaymentDoc> {
  return change(ctx, paymentId, (doc, now) => {
    if (already(doc, 'DEBIT', spec)) return null;
    // Resurs: "For a payment to be finalized, it must be booked and it cannot be frozen."
    if (doc.frozen) throw new SandboxFault(20, `Payment ${paymentId} is frozen and cannot be finalized until it is released.`);
    const left = amounts(doc).debitable;
    if (left <= 0) throw new SandboxFault(26, `Payment ${paymentId} has nothing left to finalize.`);
    const amount = amountOf(spec, left);
    if (amount > left + EPSILON) throw new SandboxFault(26, `Cannot finalize ${amount}: only ${left} is left to finalize.`);
    const d = diff('DEBIT', { ...spec, transactionId: spec.transactionId ?? paymentId }, amount, now);
    doc.diffs.push(d);
    doc.finalizedAt = now;
    doc.history.push({ at: now, event: `finalized ${amount}` });
    return [updateEvent(paymentId, d)];
  });
}

export function annulPayment(ctx: ResursSandboxContext, paymentId: string, spec: PartSpec): Promise<PaymentDoc> {
  return change(ctx, paymentId, (doc, now) => {
    const m = amounts(doc);
    // Resurs: "If it has been finalized, it can no longer be annulled" (credit it instead).
    if (m.debitable <= 0) {
      throw new SandboxFault(20, m.debited > 0 ? `Payment ${paymentId} is finalized: credit it instead.` : `Payment ${paymentId} is already annulled.`);
    }
    const amount = amountOf(spec, m.debitable);
    if (amount > m.debitable + EPSILON) throw new SandboxFault(36, `Cannot annul ${amount}: only ${m.debitable} is left to annul.`);
    const d = diff('ANNUL', spec, amount, now);
    doc.diffs.push(d);
    doc.history.push({ at: now, event: `annulled ${amount}` });
    const events = [updateEvent(paymentId, d)];
    // ANNULMENT only for a payment annulled as a whole (Resurs: partial annulment does not trigger it).
    if (amounts(doc).total === 0) {
      doc.frozen = false;
      doc.fraudControlPending = false;
      events.push({ type: 'ANNULMENT', paymentId });
    }
    return events;
  });
}

export function creditPayment(ctx: ResursSandboxContext, paymentId: string, spec: PartSpec): Promise<PaymentDoc> {
  return change(ctx, paymentId, (doc, now) => {
    if (already(doc, 'CREDIT', spec)) return null;
    const left = amounts(doc).creditable;
    // Resurs: "For a payment to be credited, it must be finalized."
    if (left <= 0) throw new SandboxFault(23, `Payment ${paymentId} has nothing finalized to credit.`);
    const amount = amountOf(spec, left);
    if (amount > left + EPSILON) throw new SandboxFault(23, `Cannot credit ${amount}: only ${left} can be credited.`);
    const d = diff('CREDIT', { ...spec, transactionId: spec.transactionId ?? paymentId }, amount, now);
    doc.diffs.push(d);
    doc.history.push({ at: now, event: `credited ${amount}` });
    return [updateEvent(paymentId, d)];
  });
}

/** Operator: the fraud team's manual inspection rejects the payment (ANNULMENT). */
export function operatorAnnul(ctx: ResursSandboxContext, paymentId: string): Promise<PaymentDoc> {
  return change(ctx, paymentId, (doc, now) => {
    const m = amounts(doc);
    if (m.debitable <= 0 || m.debited > 0) throw new SandboxFault(20, `Payment ${paymentId} cannot be annulled now (nothing left, or finalized).`);
    annulRemaining(doc, now, 'annulled by the operator (manual inspection)', 'SANDBOX_OPERATOR');
    return [{ type: 'ANNULMENT', paymentId }];
  });
}

/** Operator: sends every callback event this payment has had again (new deliveries, same content). */
export async function resendCallbacks(ctx: ResursSandboxContext, paymentId: string): Promise<number> {
  const doc = await ctx.store.findPayment(paymentId);
  if (!doc) throw notFound(paymentId);
  const sent = await ctx.callbacks.deliveries.find({ payment_id: paymentId }).sort({ created_at: 1 }).toArray();
  const seen = new Set<string>();
  let count = 0;
  for (const d of sent) {
    if (seen.has(d.event_id)) continue;
    seen.add(d.event_id);
    const body = d.body && d.type === 'UPDATE' ? (JSON.parse(d.body) as unknown) : undefined;
    await ctx.callbacks.send({ type: d.type, paymentId, ...(d.result ? { result: d.result } : {}), ...(body ? { body } : {}) });
    count++;
  }
  return count;
}
