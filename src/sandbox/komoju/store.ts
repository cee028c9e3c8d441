import { randomInt } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import type {
  KomojuLineItem,
  KomojuLocale,
  KomojuPayment,
  KomojuPaymentDetails,
  KomojuPaymentStatus,
  KomojuRefund,
  KomojuSession,
  KomojuSessionStatus,
} from '../../providers/komoju/types';

/**
 * The sandbox's state in MongoDB. Every change is one single-document atomic operation guarded
 * by the state it leaves (FerretDB backend: no transactions), so concurrent clicks and restarts
 * cannot produce two payments for one session.
 */

export const COLLECTIONS = {
  sessions: 'sandbox_komoju_sessions',
  payments: 'sandbox_komoju_payments',
  idempotency: 'sandbox_komoju_idempotency',
  webhooks: 'sandbox_komoju_webhooks',
} as const;

export interface SessionDoc {
  _id: string;
  status: KomojuSessionStatus;
  amount: number;
  currency: string;
  return_url: string;
  session_url: string;
  default_locale: KomojuLocale;
  email: string | null;
  payment_types: string[];
  external_order_num: string | null;
  metadata: Record<string, string>;
  line_items: KomojuLineItem[];
  created_at: Date;
  expires_at: Date;
  completed_at: Date | null;
  cancelled_at: Date | null;
  payment_id: string | null;
  /** The payment as claimed with the session, so a crash before its insert cannot lose it. */
  payment_seed?: PaymentDoc;
}

export interface PaymentDoc {
  _id: string;
  status: KomojuPaymentStatus;
  amount: number;
  currency: string;
  external_order_num: string | null;
  payment_deadline: Date | null;
  payment_details: KomojuPaymentDetails;
  captured_at: Date | null;
  cancelled_at: Date | null;
  created_at: Date;
  amount_refunded: number;
  refunds: KomojuRefund[];
  session: string | null;
  metadata: Record<string, string>;
}

/** A new payment for what the session sells; the caller says how it was paid and where it stands. */
export function paymentFor(
  session: SessionDoc,
  now: Date,
  fields: Pick<PaymentDoc, 'status' | 'payment_details' | 'payment_deadline' | 'captured_at'> & { _id?: string },
): PaymentDoc {
  return {
    _id: fields._id ?? newId(),
    amount: session.amount,
    currency: session.currency,
    external_order_num: session.external_order_num,
    cancelled_at: null,
    created_at: now,
    amount_refunded: 0,
    refunds: [],
    session: session._id,
    metadata: session.metadata,
    ...fields,
  };
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** KOMOJU-looking ids: 25 characters of [0-9a-z]. */
export function newId(length = 25): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

export function sessionExpired(doc: SessionDoc, now: Date): boolean {
  return doc.status === 'pending' && doc.expires_at.getTime() <= now.getTime();
}

export class SandboxStore {
  readonly sessions: Collection<SessionDoc>;
  readonly payments: Collection<PaymentDoc>;

  constructor(db: Db) {
    this.sessions = db.collection<SessionDoc>(COLLECTIONS.sessions);
    this.payments = db.collection<PaymentDoc>(COLLECTIONS.payments);
  }

  async ensureIndexes(): Promise<void> {
    await this.payments.createIndex({ session: 1 });
    // The konbini expiry sweep looks for authorized payments past their deadline.
    await this.payments.createIndex({ status: 1, payment_deadline: 1 });
  }

  async insertSession(doc: SessionDoc): Promise<void> {
    await this.sessions.insertOne(doc);
  }

  findSession(id: string): Promise<SessionDoc | null> {
    return this.sessions.findOne({ _id: id });
  }

  findPayment(id: string): Promise<PaymentDoc | null> {
    return this.payments.findOne({ _id: id });
  }

  /**
   * Completes a pending, unexpired session with this payment. Null when the session is not
   * payable any more (already completed, cancelled, expired): then nothing was written.
   */
  async claimSession(id: string, payment: PaymentDoc, now: Date): Promise<SessionDoc | null> {
    const claimed = await this.sessions.findOneAndUpdate(
      { _id: id, status: 'pending', payment_id: null, expires_at: { $gt: now } },
      { $set: { status: 'completed', completed_at: now, payment_id: payment._id, payment_seed: payment } },
      { returnDocument: 'after' },
    );
    if (!claimed) return null;
    await this.ensurePayment(payment);
    return claimed;
  }

  /** Pending → cancelled; null when the session was not pending. */
  cancelSession(id: string, now: Date): Promise<SessionDoc | null> {
    return this.sessions.findOneAndUpdate(
      { _id: id, status: 'pending' },
      { $set: { status: 'cancelled', cancelled_at: now } },
      { returnDocument: 'after' },
    );
  }

  /** The session's payment; re-creates it from the claim if a crash came between the two writes. */
  async paymentOf(session: SessionDoc): Promise<PaymentDoc | null> {
    if (!session.payment_id) return null;
    const found = await this.findPayment(session.payment_id);
    if (found || !session.payment_seed) return found;
    await this.ensurePayment(session.payment_seed);
    return this.findPayment(session.payment_id);
  }

  private async ensurePayment(payment: PaymentDoc): Promise<void> {
    const { _id, ...rest } = payment;
    await this.payments.updateOne({ _id }, { $setOnInsert: rest }, { upsert: true });
  }

  /**
   * Moves a payment from one of `from` to `status`; null when it was in none of them (or `guard`,
   * e.g. a deadline condition, did not hold). The status filter makes each move happen once.
   */
  transitionPayment(
    id: string,
    from: KomojuPaymentStatus[],
    set: Partial<Omit<PaymentDoc, '_id'>> & { status: KomojuPaymentStatus },
    guard: Filter<PaymentDoc> = {},
  ): Promise<PaymentDoc | null> {
    return this.payments.findOneAndUpdate({ ...guard, _id: id, status: { $in: from } }, { $set: set }, { returnDocument: 'after' });
  }

  /**
   * Adds a refund if the payment still has `refundedBefore` refunded (optimistic check, so two
   * concurrent refunds cannot both pass the remaining-amount test). Null on a lost race.
   */
  addRefund(id: string, refundedBefore: number, refund: KomojuRefund, fully: boolean): Promise<PaymentDoc | null> {
    return this.payments.findOneAndUpdate(
      { _id: id, status: 'captured', amount_refunded: refundedBefore },
      { $push: { refunds: refund }, $inc: { amount_refunded: refund.amount }, $set: { status: fully ? 'refunded' : 'captured' } },
      { returnDocument: 'after' },
    );
  }
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function toWirePayment(doc: PaymentDoc): KomojuPayment {
  return {
    id: doc._id,
    resource: 'payment',
    status: doc.status,
    amount: doc.amount,
    tax: 0,
    total: doc.amount,
    currency: doc.currency,
    payment_method_fee: 0,
    external_order_num: doc.external_order_num,
    payment_deadline: iso(doc.payment_deadline),
    payment_details: doc.payment_details,
    captured_at: iso(doc.captured_at),
    cancelled_at: iso(doc.cancelled_at),
    created_at: doc.created_at.toISOString(),
    amount_refunded: doc.amount_refunded,
    refunds: doc.refunds,
    session: doc.session,
    metadata: doc.metadata,
  };
}

export function toWireSession(doc: SessionDoc, payment: PaymentDoc | null, now: Date): KomojuSession {
  return {
    id: doc._id,
    resource: 'session',
    mode: 'payment',
    status: doc.status,
    amount: doc.amount,
    currency: doc.currency,
    session_url: doc.session_url,
    return_url: doc.return_url,
    default_locale: doc.default_locale,
    email: doc.email,
    payment_methods: doc.payment_types.map((type) => ({ type })),
    payment_data: { external_order_num: doc.external_order_num },
    metadata: doc.metadata,
    line_items: doc.line_items,
    created_at: doc.created_at.toISOString(),
    cancelled_at: iso(doc.cancelled_at),
    completed_at: iso(doc.completed_at),
    expires_at: doc.expires_at.toISOString(),
    expired: sessionExpired(doc, now),
    payment: payment ? toWirePayment(payment) : null,
  };
}
