import { RESURS_ERROR_TYPES } from '../../providers/resurs/errors';
import type { BookPaymentStatus, ResursSpecLine } from '../../providers/resurs/types';
import type { CallbackEvent } from './callbacks';
import type { ResursSandboxContext } from './context';
import { thaw } from './fraud';
import { paymentMethod, testPerson } from './persons';
import { amounts, bookedStatus, type CustomerDoc, newToken, type PaymentDoc } from './store';

/**
 * Booking, as Resurs' simplified flow does it (docs/simplified-flow-api/*): the test person
 * decides (persons.ts); SIGNING waits for the customer and bookSignedPayment; FROZEN waits for
 * the fraud team (operator page). Each step records what happened and the callbacks it causes.
 */

/** A refusal in Resurs' words: becomes a soap:Server fault with an ECommerceError. */
export class SandboxFault extends Error {
  readonly errorTypeDescription: string;
  constructor(
    readonly errorTypeId: number,
    readonly userErrorMessage: string,
    readonly fixableByYou = true,
  ) {
    super(userErrorMessage);
    this.errorTypeDescription = RESURS_ERROR_TYPES[errorTypeId] ?? 'LEGACY_EXCEPTION';
  }
}

export const notFound = (id: string) => new SandboxFault(8, `The payment ${id} does not exist.`);
const illegal = (message: string) => new SandboxFault(1, message);

export interface BookingInput {
  preferredId: string | null;
  paymentMethodId: string;
  customerIpAddress: string;
  orderData: { specLines: ResursSpecLine[]; totalAmount: number; totalVatAmount: number | null };
  metaData: Array<{ key: string; value: string }>;
  customer: CustomerDoc;
  options: PaymentDoc['options'];
  successUrl: string;
  failUrl: string;
  backUrl: string | null;
  flow: PaymentDoc['flow'];
  hostedSessionId: string | null;
}

export interface BookResult {
  paymentId: string;
  bookPaymentStatus: BookPaymentStatus;
  signingUrl?: string;
  approvedAmount: number;
  customer: CustomerDoc;
}

const ID_PATTERN = /^[\p{L}0-9 ._/-]+$/u;

export function checkReturnUrl(name: string, url: string): void {
  let ok = !url.includes('|');
  try {
    ok &&= ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw illegal(`${name} must be an http(s) URL without '|'.`);
}

/** What bookPayment refuses with ILLEGAL_ARGUMENT (the hosted flow's back-channel too). */
export function validate(input: BookingInput): void {
  if (input.preferredId !== null && !ID_PATTERN.test(input.preferredId)) {
    throw illegal(`preferredId may only hold letters, digits, space and . _ / - (got ${JSON.stringify(input.preferredId)}).`);
  }
  if (!paymentMethod(input.paymentMethodId)) throw illegal(`Unknown paymentMethodId ${JSON.stringify(input.paymentMethodId)}.`);
  if (!input.customerIpAddress) throw illegal('customerIpAddress is required.');
  const { totalAmount, specLines } = input.orderData;
  if (!(totalAmount > 0)) throw illegal('orderData.totalAmount must be more than 0.');
  if (specLines.length > 0) {
    const sum = specLines.reduce((s, l) => s + Math.round(l.totalAmount * 100), 0) / 100;
    if (Math.abs(sum - totalAmount) > 0.01) throw illegal(`orderData.totalAmount ${totalAmount} is not the sum of its lines (${sum}).`);
  }
  const a = input.customer.address;
  if (!a.addressRow1 || !a.postalArea || !a.postalCode || !a.country) throw illegal('customer.address needs addressRow1, postalArea, postalCode and country.');
  checkReturnUrl('successUrl', input.successUrl);
  checkReturnUrl('failUrl', input.failUrl);
  if (input.backUrl) checkReturnUrl('backUrl', input.backUrl);
}

export function note(doc: PaymentDoc, now: Date, event: string): void {
  doc.history.push({ at: now, event });
}

/** A fresh attempt; the test person (else BOOKED) decides the outcome. */
export function newAttempt(input: BookingInput, id: string, now: Date): PaymentDoc {
  const person = testPerson(input.customer.governmentId);
  return {
    _id: id,
    state: 'SIGNING',
    flow: input.flow,
    hostedSessionId: input.hostedSessionId,
    outcome: person?.outcome ?? 'BOOKED',
    paymentMethodId: input.paymentMethodId,
    customer: input.customer,
    orderData: input.orderData,
    metaData: input.metaData,
    options: input.options,
    signing: null,
    frozen: false,
    fraud: false,
    fraudControlPending: false,
    diffs: [],
    deniedReason: null,
    bookedAt: null,
    finalizedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 0,
    history: [],
  };
}

/**
 * Books `doc` (in memory): AUTHORIZE, then frozen / finalized by the test person and the flags.
 * Returns the callbacks it causes and whether the automatic fraud control is still to report.
 */
export function book(doc: PaymentDoc, now: Date): { callbacks: CallbackEvent[]; fraudControlLater: boolean } {
  const total = doc.orderData.totalAmount;
  doc.state = 'BOOKED';
  doc.bookedAt = now;
  doc.diffs.push({ type: 'AUTHORIZE', transactionId: null, created: now, createdBy: 'SHOP_FLOW', totalAmount: total, totalVatAmount: doc.orderData.totalVatAmount, specLines: doc.orderData.specLines });
  note(doc, now, 'booked');
  const callbacks: CallbackEvent[] = [{ type: 'BOOKED', paymentId: doc._id }];
  if (doc.outcome === 'FROZEN') {
    doc.frozen = true;
    note(doc, now, 'frozen by the automatic fraud control');
    callbacks.push({ type: 'AUTOMATIC_FRAUD_CONTROL', paymentId: doc._id, result: 'FROZEN' });
    if (doc.options.annulIfFrozen) {
      // (unconfirmed) what bookPayment answers then; the sandbox answers DENIED (see bookedStatus).
      annulRemaining(doc, now, 'annulled at once (annulIfFrozen)');
      callbacks.push({ type: 'ANNULMENT', paymentId: doc._id });
    }
    return { callbacks, fraudControlLater: false };
  }
  if (!doc.options.waitForFraudControl) {
    // Resurs: without waiting, bookPayment answers an intermediate FROZEN and AUTOMATIC_FRAUD_CONTROL follows seconds later.
    doc.frozen = true;
    doc.fraudControlPending = true;
    note(doc, now, 'automatic fraud control running (waitForFraudControl=false)');
    return { callbacks, fraudControlLater: true };
  }
  callbacks.push(...finalizeIfDue(doc, now));
  return { callbacks, fraudControlLater: false };
}

/** FINALIZED person, or finalizeIfBooked: debits everything at once (FINALIZATION callback). */
export function finalizeIfDue(doc: PaymentDoc, now: Date): CallbackEvent[] {
  if (doc.outcome !== 'FINALIZED' && !doc.options.finalizeIfBooked) return [];
  const left = amounts(doc).debitable;
  if (left <= 0 || doc.frozen) return [];
  doc.diffs.push({ type: 'DEBIT', transactionId: doc.options.preferredTransactionId ?? doc._id, created: now, createdBy: 'SHOP_FLOW', totalAmount: left, totalVatAmount: null, specLines: [] });
  doc.finalizedAt = now;
  note(doc, now, 'finalized automatically');
  return [{ type: 'FINALIZATION', paymentId: doc._id }];
}

export function annulRemaining(doc: PaymentDoc, now: Date, event: string, createdBy = 'SHOP_FLOW'): number {
  const left = amounts(doc).debitable;
  doc.diffs.push({ type: 'ANNUL', transactionId: null, created: now, createdBy, totalAmount: left, totalVatAmount: null, specLines: [] });
  doc.frozen = false;
  doc.fraudControlPending = false;
  note(doc, now, event);
  return left;
}

export function resultOf(doc: PaymentDoc, status: BookPaymentStatus, root: string): BookResult {
  const result: BookResult = {
    paymentId: doc._id,
    bookPaymentStatus: status,
    approvedAmount: status === 'DENIED' ? 0 : doc.orderData.totalAmount,
    customer: doc.customer,
  };
  if (status === 'SIGNING' && doc.signing) result.signingUrl = signingUrl(root, doc);
  return result;
}

/** Never contains '|': the id is URL-encoded, the token is hex. */
export function signingUrl(root: string, doc: PaymentDoc): string {
  return `${root}/sign/${encodeURIComponent(doc._id)}?token=${doc.signing?.token ?? ''}`;
}

/** Sends the callbacks (recorded before this resolves) and starts a pending fraud control. */
export async function afterChange(ctx: ResursSandboxContext, paymentId: string, callbacks: CallbackEvent[], fraudControlLater = false): Promise<void> {
  for (const event of callbacks) await ctx.callbacks.send(event);
  if (fraudControlLater) ctx.later(ctx.fraudControlDelayMs, () => thaw(ctx, paymentId, 'automatic').then(() => undefined));
}

/** bookPayment: a new attempt under preferredId (refused while a booked payment has it). */
export async function bookPayment(ctx: ResursSandboxContext, input: BookingInput, root: string): Promise<BookResult> {
  validate(input);
  const now = ctx.now();
  const id = input.preferredId ?? `${now.getTime()}${Math.floor(Math.random() * 1000)}`;
  const existing = await ctx.store.findPayment(id);
  if (existing?.state === 'BOOKED') throw new SandboxFault(19, `A payment with id ${id} already exists.`);
  const doc = newAttempt(input, id, now);
  const method = paymentMethod(input.paymentMethodId);
  let status: BookPaymentStatus;
  let work: { callbacks: CallbackEvent[]; fraudControlLater: boolean } = { callbacks: [], fraudControlLater: false };
  if (method && input.orderData.totalAmount > method.maxLimit) {
    doc.state = 'DENIED';
    doc.deniedReason = `amount above ${method.id}'s maxLimit ${method.maxLimit}`;
    status = 'DENIED';
  } else if (doc.outcome === 'DENIED') {
    doc.state = 'DENIED';
    doc.deniedReason = 'credit denied (test person)';
    status = 'DENIED';
  } else if (doc.outcome === 'SIGNING' || input.options.forceSigning) {
    doc.signing = { token: newToken(), successUrl: input.successUrl, failUrl: input.failUrl, backUrl: input.backUrl, outcome: 'pending', decidedAt: null };
    status = 'SIGNING';
  } else {
    work = book(doc, now);
    status = bookedStatus(doc);
  }
  note(doc, now, `bookPayment → ${status}${doc.deniedReason ? ` (${doc.deniedReason})` : ''}`);
  if (!(await ctx.store.putAttempt(doc))) throw new SandboxFault(19, `A payment with id ${id} already exists.`);
  await afterChange(ctx, id, work.callbacks, work.fraudControlLater);
  return resultOf(doc, status, root);
}

/** bookSignedPayment: books a signed attempt; a booked payment answers its current state. */
export async function bookSignedPayment(ctx: ResursSandboxContext, paymentId: string, root: string): Promise<BookResult> {
  const now = ctx.now();
  let work: { callbacks: CallbackEvent[]; fraudControlLater: boolean } = { callbacks: [], fraudControlLater: false };
  const changed = await ctx.store.modify(
    paymentId,
    (doc): { doc?: PaymentDoc; result: BookPaymentStatus } => {
      // (unconfirmed) Resurs may refuse a second bookSignedPayment; the sandbox answers the state.
      if (doc.state === 'BOOKED') return { result: bookedStatus(doc) };
      if (doc.state === 'DENIED') return { result: 'DENIED' };
      const outcome = doc.signing?.outcome ?? 'pending';
      if (outcome === 'pending') throw new SandboxFault(15, 'The customer has not signed the payment yet.');
      if (outcome !== 'signed') {
        doc.state = 'DENIED';
        doc.deniedReason = `signing ${outcome}`;
        note(doc, now, `bookSignedPayment → DENIED (signing ${outcome})`);
        return { doc, result: 'DENIED' };
      }
      work = book(doc, now);
      const status = bookedStatus(doc);
      note(doc, now, `bookSignedPayment → ${status}`);
      return { doc, result: status };
    },
    now,
  );
  if (!changed) throw notFound(paymentId);
  await afterChange(ctx, paymentId, work.callbacks, work.fraudControlLater);
  return resultOf(changed.doc, changed.result, root);
}

/**
 * The customer's answer on the signing page. Returns where to send the browser (the booking's
 * successUrl / failUrl / backUrl, exactly as given), or null for a wrong token. A second answer
 * changes nothing and is sent where the first one went. In the hosted flow Resurs books a
 * signed payment itself (the shop gets only the successUrl).
 */
export async function answerSigning(
  ctx: ResursSandboxContext,
  paymentId: string,
  token: string,
  answer: 'signed' | 'failed' | 'abandoned',
): Promise<{ redirect: string; doc: PaymentDoc } | null> {
  const now = ctx.now();
  let work: { callbacks: CallbackEvent[]; fraudControlLater: boolean } = { callbacks: [], fraudControlLater: false };
  const changed = await ctx.store.modify(
    paymentId,
    (doc): { doc?: PaymentDoc; result: string | null } => {
      const s = doc.signing;
      if (!s || s.token !== token) return { result: null };
      const target = (o: string) => (o === 'signed' ? s.successUrl : o === 'failed' ? s.failUrl : (s.backUrl ?? s.failUrl));
      if (s.outcome !== 'pending' || doc.state !== 'SIGNING') return { result: target(s.outcome === 'pending' ? answer : s.outcome) };
      s.outcome = answer;
      s.decidedAt = now;
      note(doc, now, `customer ${answer === 'signed' ? 'signed' : answer === 'failed' ? 'failed the signing' : 'went back without signing'}`);
      // Resurs books a signed payment itself (and says so with BOOKED), so a customer who closes
      // the browser after signing still pays (providers.md: callbacks finalise the order); the
      // shop's bookSignedPayment then answers the state. A failed signing books nothing.
      if (answer === 'signed') work = book(doc, now);
      else if (doc.flow === 'hosted') {
        doc.state = 'DENIED';
        doc.deniedReason = `signing ${answer}`;
      }
      return { doc, result: target(answer) };
    },
    now,
  );
  if (!changed || changed.result === null) return null;
  await afterChange(ctx, paymentId, work.callbacks, work.fraudControlLater);
  return { redirect: changed.result, doc: changed.doc };
}
