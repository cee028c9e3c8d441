import { randomInt } from 'node:crypto';
import type { KomojuKonbiniDetails, KomojuKonbiniStore } from '../../providers/komoju/types';
import type { SandboxContext } from './context';
import { newId, paymentFor, type PaymentDoc, type SessionDoc, toWirePayment } from './store';

/**
 * Konbini (convenience-store) payments as KOMOJU does them: the customer picks a store, gets a
 * payment slip (`authorized`), then pays cash at the store (`captured`) or lets the deadline pass
 * (`expired`). In the sandbox the store side is the operator page (operator.ts).
 */

export const KONBINI_STORES: readonly { id: KomojuKonbiniStore; ja: string; en: string }[] = [
  { id: 'seven-eleven', ja: 'セブン-イレブン', en: '7-Eleven' },
  { id: 'lawson', ja: 'ローソン', en: 'Lawson' },
  { id: 'family-mart', ja: 'ファミリーマート', en: 'FamilyMart' },
  { id: 'ministop', ja: 'ミニストップ', en: 'Ministop' },
  { id: 'daily-yamazaki', ja: 'デイリーヤマザキ', en: 'Daily Yamazaki' },
  { id: 'seicomart', ja: 'セイコーマート', en: 'Seicomart' },
];

export function konbiniStore(id: unknown) {
  return KONBINI_STORES.find((s) => s.id === id);
}

/** KOMOJU's merchant default: the slip is valid for 3 days (settable 1–59). */
export const DEFAULT_DEADLINE_DAYS = 3;
/** Upper bound for `deadline_seconds`: KOMOJU's longest setting, 59 days. */
export const MAX_DEADLINE_SECONDS = 59 * 86_400;
const JST_OFFSET_MS = 9 * 3_600_000;

/** 23:59:59 JST of the day `days` after today in JST (JST has no DST, so a fixed offset is exact). */
export function defaultDeadline(now: Date, days = DEFAULT_DEADLINE_DAYS): Date {
  const jst = new Date(now.getTime() + JST_OFFSET_MS);
  return new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate() + days, 23, 59, 59) - JST_OFFSET_MS);
}

/** `deadline_seconds` from a form or query: undefined when absent, null when invalid. */
export function parseDeadlineSeconds(value: unknown): number | undefined | null {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,8}$/.test(value.trim())) return null;
  const seconds = Number(value.trim());
  return seconds >= 1 && seconds <= MAX_DEADLINE_SECONDS ? seconds : null;
}

/** `2018-10-18 23:59:59 JST` (en) / `2018年10月18日 23:59:59 (日本時間)` (ja). */
export function formatJst(date: Date, lang: 'ja' | 'en' = 'en'): string {
  const [day, time] = new Date(date.getTime() + JST_OFFSET_MS).toISOString().slice(0, 19).split('T');
  if (lang === 'en') return `${day} ${time} JST`;
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日 ${time} (日本時間)`;
}

function digits(count: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < count) out += String(randomInt(10));
  return out;
}

/** The payment a slip issuance creates: `authorized`, with the slip in `payment_details`. */
export function konbiniPayment(
  session: SessionDoc,
  store: KomojuKonbiniStore,
  email: string,
  deadline: Date,
  now: Date,
  sandboxRoot: string,
): PaymentDoc {
  const id = newId();
  const details: KomojuKonbiniDetails = {
    type: 'konbini',
    store,
    email,
    // Real stores use different formats; the sandbox only promises "digits".
    confirmation_code: digits(6),
    receipt: digits(13),
    instructions_url: `${sandboxRoot}/payments/${id}/instructions`,
  };
  return paymentFor(session, now, { _id: id, status: 'authorized', payment_details: details, payment_deadline: deadline, captured_at: null });
}

function overdue(payment: PaymentDoc, now: Date): boolean {
  return (
    payment.payment_details.type === 'konbini' &&
    payment.status === 'authorized' &&
    payment.payment_deadline !== null &&
    payment.payment_deadline.getTime() <= now.getTime()
  );
}

/**
 * A slip past its deadline is void: KOMOJU expires the payment on its own. The sandbox does it
 * when the payment is read (and in the sweep); the status-guarded update lets exactly one
 * reader win, so `payment.expired` is sent once however many reads race.
 */
export async function settleDeadline(ctx: SandboxContext, payment: PaymentDoc): Promise<PaymentDoc> {
  const now = ctx.now();
  if (!overdue(payment, now)) return payment;
  const expired = await ctx.store.transitionPayment(payment._id, ['authorized'], { status: 'expired' }, { payment_deadline: { $lte: now } });
  if (!expired) return (await ctx.store.findPayment(payment._id)) ?? payment;
  ctx.log.info({ paymentId: payment._id }, 'komoju sandbox: konbini payment expired (deadline passed)');
  await ctx.webhooks.send('payment.expired', toWirePayment(expired));
  return expired;
}

export async function settleDeadlineOf(ctx: SandboxContext, payment: PaymentDoc | null): Promise<PaymentDoc | null> {
  return payment ? settleDeadline(ctx, payment) : null;
}

/** Expires overdue slips nobody reads, so their webhooks arrive without a poll. */
export async function sweepOverdue(ctx: SandboxContext, limit = 100): Promise<void> {
  const due = await ctx.store.payments
    .find({ status: 'authorized', payment_deadline: { $lte: ctx.now() }, 'payment_details.type': 'konbini' })
    .limit(limit)
    .toArray();
  for (const payment of due) await settleDeadline(ctx, payment);
}
