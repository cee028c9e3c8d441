import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo';
import type { ResursPaymentDiffType, ResursSpecLine } from '../../providers/resurs/types';
import type { CheckoutSessionDoc } from './checkout';
import type { TestOutcome } from './persons';

/**
 * The Resurs sandbox's state in MongoDB (collections `sandbox_resurs_*`), so it survives
 * restarts. A payment changes by read → compute → write guarded by its `version` (FerretDB has
 * no transactions), so two concurrent calls cannot both act on the same state.
 */

export const COLLECTIONS = {
  payments: 'sandbox_resurs_payments',
  hostedSessions: 'sandbox_resurs_hosted_sessions',
  registrations: 'sandbox_resurs_callback_registrations',
  callbacks: 'sandbox_resurs_callbacks',
  checkoutSessions: 'sandbox_resurs_checkout_sessions',
} as const;

export interface WireAddress {
  fullName?: string;
  firstName?: string;
  lastName?: string;
  addressRow1: string;
  addressRow2?: string;
  postalArea: string;
  postalCode: string;
  country: string;
}

export interface CustomerDoc {
  governmentId: string | null;
  address: WireAddress;
  phone: string | null;
  cellPhone: string | null;
  email: string | null;
  type: 'NATURAL' | 'LEGAL';
}

export interface DiffDoc {
  type: ResursPaymentDiffType;
  transactionId: string | null;
  created: Date;
  createdBy: string | null;
  totalAmount: number;
  totalVatAmount: number | null;
  specLines: ResursSpecLine[];
}

/**
 * One booking attempt under a preferredId. Only `BOOKED` ones are payments (getPayment finds
 * them, booking the id again is refused); a `SIGNING` or `DENIED` attempt may be replaced by a
 * new bookPayment with the same preferredId. (unconfirmed) that Resurs treats them the same way.
 */
export type BookingState = 'SIGNING' | 'BOOKED' | 'DENIED';

export interface SigningDoc {
  token: string;
  successUrl: string;
  failUrl: string;
  /** Hosted flow: where "back" goes (default failUrl). */
  backUrl: string | null;
  outcome: 'pending' | 'signed' | 'failed' | 'abandoned';
  decidedAt: Date | null;
}

export interface PaymentDoc {
  _id: string;
  state: BookingState;
  flow: 'simplified' | 'hosted' | 'rco';
  hostedSessionId: string | null;
  /** The test person's outcome, or BOOKED for anyone else. */
  outcome: TestOutcome;
  paymentMethodId: string;
  customer: CustomerDoc;
  orderData: { specLines: ResursSpecLine[]; totalAmount: number; totalVatAmount: number | null };
  metaData: Array<{ key: string; value: string }>;
  options: { waitForFraudControl: boolean; annulIfFrozen: boolean; finalizeIfBooked: boolean; forceSigning: boolean; preferredTransactionId: string | null };
  signing: SigningDoc | null;
  frozen: boolean;
  fraud: boolean;
  /** waitForFraudControl=false: the automatic control has not reported yet. */
  fraudControlPending: boolean;
  diffs: DiffDoc[];
  deniedReason: string | null;
  bookedAt: Date | null;
  finalizedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** What happened, for the operator page. */
  history: Array<{ at: Date; event: string }>;
}

export interface HostedSessionDoc {
  _id: string;
  preferredId: string;
  payload: Record<string, unknown>;
  status: 'open' | 'completed' | 'failed' | 'abandoned';
  paymentId: string | null;
  createdAt: Date;
  closedAt: Date | null;
}

export function newToken(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

// ---------------------------------------------------------------- money

const cents = (amount: number) => Math.round(amount * 100);

export interface Amounts {
  authorized: number;
  debited: number;
  annulled: number;
  credited: number;
  /** What finalizePayment and annulPayment may still take: AUTHORIZE − DEBIT − ANNUL. */
  debitable: number;
  /** What creditPayment may still give back: DEBIT − CREDIT. */
  creditable: number;
  /** Resurs' payment.totalAmount: AUTHORIZE − ANNUL − CREDIT. */
  total: number;
}

export function amounts(doc: Pick<PaymentDoc, 'diffs'>): Amounts {
  const sum = (type: ResursPaymentDiffType) => doc.diffs.filter((d) => d.type === type).reduce((s, d) => s + cents(d.totalAmount), 0);
  const [a, d, n, c] = [sum('AUTHORIZE'), sum('DEBIT'), sum('ANNUL'), sum('CREDIT')];
  return {
    authorized: a / 100,
    debited: d / 100,
    annulled: n / 100,
    credited: c / 100,
    debitable: Math.max(0, a - d - n) / 100,
    creditable: Math.max(0, d - c) / 100,
    total: Math.max(0, a - n - c) / 100,
  };
}

/** Resurs' payment status list, derived from the diffs (docs: after-shop-service-api/index.md). */
export function paymentStatuses(doc: Pick<PaymentDoc, 'diffs' | 'frozen'>): string[] {
  const m = amounts(doc);
  const status: string[] = [];
  // (unconfirmed) whether Resurs lists DEBITABLE while the payment is frozen; here it does not.
  if (m.debitable > 0 && !doc.frozen) status.push('DEBITABLE');
  if (m.creditable > 0) status.push('CREDITABLE');
  if (m.debited > 0) status.push('IS_DEBITED');
  if (m.credited > 0) status.push('IS_CREDITED');
  if (m.annulled > 0) status.push('IS_ANNULLED');
  return status;
}

/** What bookPayment / bookSignedPayment answer for a booked payment in its current state. */
export function bookedStatus(doc: PaymentDoc): 'FINALIZED' | 'BOOKED' | 'FROZEN' | 'DENIED' {
  const m = amounts(doc);
  if (m.debited > 0) return 'FINALIZED';
  if (m.debitable === 0) return 'DENIED'; // annulled at once (annulIfFrozen)
  return doc.frozen ? 'FROZEN' : 'BOOKED';
}

// ---------------------------------------------------------------- store

export class VersionConflict extends Error {}

export class ResursStore {
  readonly payments: Collection<PaymentDoc>;
  readonly hostedSessions: Collection<HostedSessionDoc>;
  readonly checkoutSessions: Collection<CheckoutSessionDoc>;

  constructor(db: Db) {
    this.checkoutSessions = db.collection<CheckoutSessionDoc>(COLLECTIONS.checkoutSessions);
    this.payments = db.collection<PaymentDoc>(COLLECTIONS.payments);
    this.hostedSessions = db.collection<HostedSessionDoc>(COLLECTIONS.hostedSessions);
  }

  async ensureIndexes(): Promise<void> {
    await this.payments.createIndex({ createdAt: -1 });
    await this.hostedSessions.createIndex({ createdAt: -1 });
    await this.checkoutSessions.createIndex({ paymentSessionId: 1 });
  }

  findPayment(id: string): Promise<PaymentDoc | null> {
    return this.payments.findOne({ _id: id });
  }

  /**
   * Stores a new booking attempt under its preferredId, replacing an earlier SIGNING or DENIED
   * attempt; false when a booked payment already has the id.
   */
  async putAttempt(doc: PaymentDoc): Promise<boolean> {
    const { _id, ...rest } = doc;
    try {
      const result = await this.payments.replaceOne({ _id, state: { $ne: 'BOOKED' } }, rest, { upsert: true });
      return result.matchedCount + result.upsertedCount > 0;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Applies `change` to the payment's current state and writes the result if nobody changed it
   * meanwhile (retried a few times). `change` may throw to refuse, or answer without a `doc` to
   * leave the payment as it is; null = payment unknown.
   */
  async modify<T>(id: string, change: (doc: PaymentDoc) => { doc?: PaymentDoc; result: T }, now: Date): Promise<{ doc: PaymentDoc; result: T } | null> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await this.findPayment(id);
      if (!current) return null;
      const { doc, result } = change(structuredClone(current));
      if (!doc) return { doc: current, result };
      const { _id, ...rest } = { ...doc, version: current.version + 1, updatedAt: now };
      const written = await this.payments.findOneAndUpdate({ _id, version: current.version }, { $set: rest }, { returnDocument: 'after' });
      if (written) return { doc: written, result };
    }
    throw new VersionConflict(`payment ${id} kept changing; try again`);
  }

  insertHostedSession(doc: HostedSessionDoc): Promise<unknown> {
    return this.hostedSessions.insertOne(doc);
  }

  findHostedSession(id: string): Promise<HostedSessionDoc | null> {
    return this.hostedSessions.findOne({ _id: id });
  }

  /** Open → `status`; null when the session was not open any more. */
  closeHostedSession(id: string, status: HostedSessionDoc['status'], paymentId: string | null, now: Date): Promise<HostedSessionDoc | null> {
    return this.hostedSessions.findOneAndUpdate({ _id: id, status: 'open' }, { $set: { status, paymentId, closedAt: now } }, { returnDocument: 'after' });
  }
}
