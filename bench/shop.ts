/** What a shop, its customers and the providers do over HTTP, timed: one checkout per call. */
import { RESURS_TEST_PERSONS } from '../src/sandbox/resurs';

const json = async (res: Response) => {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    throw new Error(`${res.url} answered ${res.status} with ${text.slice(0, 200) || 'no body'}`);
  }
};

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** 503 answers to `POST /checkouts` ("ask again with the same orderId"), which the shop retried. */
export const retried = { count: 0 };

/**
 * The shop starts a checkout for one ticket and gets its redirect URL. A 503 (the provider is
 * not answering yet) is asked again with the same orderId after a second, as the answer says.
 */
async function open(api: string, body: Record<string, unknown>): Promise<{ redirectUrl: string }> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${api}/checkouts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await json(res);
    if (res.status === 201 || res.status === 200) return answer as { redirectUrl: string };
    if (res.status !== 503 || attempt >= 60) throw new Error(`POST /checkouts answered ${res.status}: ${JSON.stringify(answer).slice(0, 200)}`);
    retried.count++;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const customer = (orderId: string, extra: Record<string, unknown> = {}) => ({ email: `${orderId}@example.com`, name: 'Yui', locale: 'en', ...extra });

/** The order's status as the customer's order page polls it. */
export async function statusOf(api: string, orderId: string): Promise<string> {
  const res = await fetch(`${api}/checkouts/${orderId}`);
  return res.ok ? ((await json(res)).status as string) : `http ${res.status}`;
}

export const FINAL = new Set(['completed', 'cancelled', 'expired', 'refunded', 'refund_required', 'rejected']);

/**
 * Polls until the order ends: soon at first (100, 200, 400 ms), then every 500 ms, four times as
 * often as the storefront's order page, so the end is seen within a quarter second while a slow
 * run is not slowed further by its own polling.
 */
export async function settled(api: string, orderId: string, timeoutMs = 300_000): Promise<string> {
  const giveUpAt = Date.now() + timeoutMs;
  for (let wait = 100; ; wait = Math.min(500, wait * 2)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    const status = await statusOf(api, orderId);
    if (FINAL.has(status)) return status;
    if (Date.now() > giveUpAt) throw new Error(`${orderId} still ${status} after ${timeoutMs / 1000} s`);
  }
}

export interface Timed {
  status: string;
  endToEndMs: number;
  /** The customer's own calls that hand a decision to the workflow (Resurs: coming back signed). */
  handOffMs?: number;
}

/** Card: the shop starts a checkout and the customer pays on KOMOJU's page (its webhook tells the service). */
export async function cardPaid(api: string, eventId: string, orderId: string): Promise<void> {
  const { redirectUrl } = await open(api, { orderId, eventId, items: [{ ticketTypeId: 'seat', quantity: 1 }], customer: customer(orderId), payment: { provider: 'komoju', method: 'credit_card' } });
  const paid = await fetch(`${redirectUrl}/pay`, form({ number: '4111111111111111', name: 'YUI', expiry: '12/30', cvc: '123' }));
  if (paid.status >= 400) throw new Error(`paying ${orderId} answered ${paid.status}`);
}

/** Card, end to end: paid, then the order page polls until the order ends. */
export async function cardCheckout(api: string, eventId: string, orderId: string): Promise<Timed> {
  const started = performance.now();
  await cardPaid(api, eventId, orderId);
  const status = await settled(api, orderId);
  return { status, endToEndMs: performance.now() - started };
}

/** Konbini: start, take a slip due in `deadlineSeconds`; resolves once the service is waiting for the payment. */
export async function konbiniSlip(api: string, eventId: string, orderId: string, deadlineSeconds: number): Promise<void> {
  const { redirectUrl } = await open(api, { orderId, eventId, items: [{ ticketTypeId: 'seat', quantity: 1 }], customer: customer(orderId), payment: { provider: 'komoju', method: 'konbini' } });
  const slip = await fetch(`${redirectUrl}/konbini`, form({ store: 'lawson', deadline_seconds: String(deadlineSeconds) }));
  if (slip.status >= 400) throw new Error(`taking a slip for ${orderId} answered ${slip.status}`);
}

/** Resurs simplified flow: start, sign at Resurs, come back (the hand-off), poll until the order ends. */
export async function resursSigningCheckout(api: string, eventId: string, orderId: string): Promise<Timed> {
  const started = performance.now();
  const person = RESURS_TEST_PERSONS.SIGNING;
  const { redirectUrl } = await open(api, {
    orderId,
    eventId,
    items: [{ ticketTypeId: 'seat', quantity: 1 }],
    customer: customer(orderId, { name: person.name, governmentId: person.governmentId, phone: '0701234567', address: person.address }),
    payment: { provider: 'resurs', method: 'INVOICE', flow: 'simplified' },
  });
  const signing = new URL(redirectUrl);
  const signed = await fetch(`${signing.origin}${signing.pathname}/sign`, form({ token: signing.searchParams.get('token') ?? '' }));
  const landing = signed.headers.get('location');
  if (!landing) throw new Error(`signing ${orderId} answered ${signed.status} without a landing page`);
  const back = performance.now();
  const landed = await fetch(landing, { redirect: 'manual' });
  const handOffMs = performance.now() - back;
  if (landed.status >= 400) throw new Error(`coming back from Resurs for ${orderId} answered ${landed.status}`);
  const status = await settled(api, orderId);
  return { status, endToEndMs: performance.now() - started, handOffMs };
}

/** An event with room for the whole run. */
export async function createEvent(api: string, id: string, capacity: number): Promise<void> {
  const res = await fetch(`${api}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id, title: `Bench ${id}`, currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1000, capacity }] }),
  });
  if (res.status >= 300) throw new Error(`POST /events answered ${res.status}: ${await res.text()}`);
}
