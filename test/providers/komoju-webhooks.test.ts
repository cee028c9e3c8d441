/** What KOMOJU sends us: signed webhooks and the customer's return, verified and parsed. */
import { createHmac } from 'node:crypto';
import type http from 'node:http';
import { komojuInbound } from '../../src/providers/komoju/inbound';
import { signKomoju, verifyKomojuSignature } from '../../src/providers/komoju/signature';
import type { Delivery as InboundDelivery, InboundEvent, Received } from '../../src/providers/types';
import { form, GOOD_CARD, type Harness, pageOf, paidSession, startHarness, WEBHOOK_SECRET } from './komoju-sandbox-harness';
import { ref, startRequest, wirePayment } from './komoju-wire';

// ---------------------------------------------------------------- signatures (pure)

describe('KOMOJU webhook signature', () => {
  const body = Buffer.from('{"id":"evt_1","type":"payment.captured","data":{"amount":1500}}');

  it('is the lowercase hex HMAC-SHA256 of the raw body (RFC 4231 vector)', () => {
    expect(signKomoju('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(signKomoju(body, WEBHOOK_SECRET)).toBe(createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex'));
    expect(signKomoju(body.toString('utf8'), WEBHOOK_SECRET)).toBe(signKomoju(body, WEBHOOK_SECRET));
  });

  it('verifies the right signature and nothing else', () => {
    const good = signKomoju(body, WEBHOOK_SECRET);
    expect(verifyKomojuSignature(body, good, WEBHOOK_SECRET)).toBe(true);
    expect(verifyKomojuSignature(body, good, 'whsec_other')).toBe(false);
    expect(verifyKomojuSignature(Buffer.from(body.toString().replace('1500', '1501')), good, WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, undefined, WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, '', WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, good.slice(0, 62), WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, `${good}00`, WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, `${good.slice(0, 63)}z`, WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, `sha256=${good}`, WEBHOOK_SECRET)).toBe(false);
  });
});

// ---------------------------------------------------------------- inbound (pure)

const inbound = komojuInbound(WEBHOOK_SECRET);

/** The customer back at `/checkouts/{orderId}/return`: does the visit prove it is their browser? */
function isCustomerReturn(query: Record<string, unknown>, reference: string | null): boolean {
  const landed = inbound.land('return', query, { orderId: 'o', reference });
  return landed.ok && landed.fromCustomer;
}

/** A POST to `/webhooks/komoju` as the HTTP layer hands it over. */
function delivery(raw: Buffer | string, headers: Record<string, string | undefined> = {}): InboundDelivery {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', path: '', query: {}, header: (name) => lower[name.toLowerCase()], rawBody: Buffer.from(raw) };
}

/** Signed with the webhook secret, as KOMOJU sends it. */
function signed(body: unknown, headers: Record<string, string> = {}): InboundDelivery {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return delivery(raw, { 'X-Komoju-Signature': signKomoju(raw, WEBHOOK_SECRET), ...headers });
}

function accepted(received: Received): InboundEvent {
  if (!received.ok) throw new Error(`expected an accepted delivery, got ${received.status} ${received.code}`);
  return received.event;
}

const envelope = (type: string, data: unknown = wirePayment()) => ({ id: `evt_${type}`, type, resource: 'event', reason: null, data });

describe('komojuInbound.receive', () => {
  it('a validly signed payment.captured becomes the captured signal for its order', () => {
    expect(inbound.receive(signed(envelope('payment.captured')))).toEqual({
      ok: true,
      event: { id: 'evt_payment.captured', type: 'payment.captured', orderId: 'order-1', reference: 'sess1', paymentId: 'pay1', signal: 'captured' },
    });
    expect(inbound.webhookMethods).toEqual(['POST']);
  });

  it('maps each event type to its signal; events no checkout needs have none', () => {
    const signals: [string, string | null][] = [
      ['payment.captured', 'captured'],
      ['payment.authorized', 'authorized'],
      ['payment.expired', 'expired'],
      ['payment.cancelled', 'cancelled'],
      ['payment.refunded', 'refunded'],
      ['payment.refund.created', null],
      ['payment.updated', null],
      ['payment.failed', null],
      ['ping', null],
    ];
    for (const [type, signal] of signals) expect(accepted(inbound.receive(signed(envelope(type)))).signal).toBe(signal);
  });

  it('a ping without a payment names no order', () => {
    expect(accepted(inbound.receive(signed({ id: 'evt_ping', type: 'ping', data: null })))).toEqual({
      id: 'evt_ping',
      type: 'ping',
      orderId: null,
      reference: null,
      paymentId: null,
      signal: null,
    });
    const empty = accepted(inbound.receive(signed({ id: 'evt_ping2', type: 'ping', data: { id: '', external_order_num: 7 } })));
    expect(empty).toMatchObject({ orderId: null, paymentId: null, signal: null });
  });

  it('a bad or missing signature is 401 invalid_signature, before anything is parsed', () => {
    const raw = JSON.stringify(envelope('payment.captured'));
    const refusals = [
      delivery(raw),
      delivery(raw, { 'X-Komoju-Signature': '' }),
      delivery(raw, { 'X-Komoju-Signature': signKomoju(raw, 'whsec_other') }),
      delivery(raw, { 'X-Komoju-Signature': signKomoju(raw.replace('1500', '1501'), WEBHOOK_SECRET) }),
      delivery(raw, { 'X-Komoju-Signature': `sha256=${signKomoju(raw, WEBHOOK_SECRET)}` }),
      // Not JSON either: the signature is what answers.
      delivery('not json', { 'X-Komoju-Signature': signKomoju('not json!', WEBHOOK_SECRET) }),
    ];
    for (const refused of refusals) {
      expect(inbound.receive(refused)).toEqual({ ok: false, status: 401, code: 'invalid_signature', message: expect.any(String) });
    }
  });

  it('a signed body that is not JSON is 400; one without an event id is 400', () => {
    expect(inbound.receive(signed('{"id": "evt_1", '))).toMatchObject({ ok: false, status: 400, code: 'invalid_json' });
    expect(inbound.receive(signed({ type: 'payment.captured', data: wirePayment() }))).toMatchObject({
      ok: false,
      status: 400,
      code: 'invalid_request',
    });
    expect(inbound.receive(signed({ id: '', type: 'ping' }))).toMatchObject({ ok: false, status: 400, code: 'invalid_request' });
    expect(inbound.receive(signed({ id: 42, type: 'ping' }))).toMatchObject({ ok: false, status: 400, code: 'invalid_request' });
    // Signed JSON that is not an event object is refused, even with an id in the header.
    for (const body of ['null', '[]', '"x"', '7']) {
      expect(inbound.receive(signed(body, { 'X-Komoju-ID': 'evt_h' }))).toMatchObject({ ok: false, status: 400, code: 'invalid_request' });
    }
  });

  it("falls back to KOMOJU's X-Komoju-ID and X-Komoju-Event headers", () => {
    const event = accepted(
      inbound.receive(signed({ data: wirePayment() }, { 'X-Komoju-ID': 'evt_from_header', 'X-Komoju-Event': 'payment.captured' })),
    );
    expect(event).toMatchObject({ id: 'evt_from_header', type: 'payment.captured', signal: 'captured', paymentId: 'pay1' });
    expect(accepted(inbound.receive(signed({ id: 'evt_x' }))).type).toBe('unknown');
  });

  it('answers KOMOJU 200 for every outcome, saying whether it was a repeat', () => {
    expect(inbound.answer('accepted')).toEqual({ status: 200, body: { received: true, duplicate: false } });
    expect(inbound.answer('duplicate')).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(inbound.answer('unknown_order')).toEqual({ status: 200, body: { received: true, duplicate: false } });
  });
});

describe('komojuInbound.land (the customer back at /return)', () => {
  it('is true only for the session_id of this checkout', () => {
    const reference = 'abcdefghijklmnopqrstuvwxy';
    expect(isCustomerReturn({ session_id: reference }, reference)).toBe(true);
    expect(isCustomerReturn({ session_id: reference, lang: 'ja' }, reference)).toBe(true);
    expect(isCustomerReturn({ session_id: 'bcdefghijklmnopqrstuvwxya' }, reference)).toBe(false);
    expect(isCustomerReturn({ session_id: reference.slice(0, 24) }, reference)).toBe(false);
    expect(isCustomerReturn({ session_id: `${reference}x` }, reference)).toBe(false);
    expect(isCustomerReturn({ session_id: '' }, reference)).toBe(false);
    expect(isCustomerReturn({ session_id: [reference] }, reference)).toBe(false);
    expect(isCustomerReturn({}, reference)).toBe(false);
    expect(isCustomerReturn({ session: reference }, reference)).toBe(false);
    expect(isCustomerReturn({ session_id: reference }, null)).toBe(false);
    expect(isCustomerReturn({ session_id: '' }, '')).toBe(false);
  });
});

// ---------------------------------------------------------------- the sandbox's own deliveries (real HTTP)

describe('KOMOJU sandbox webhooks, received as the service receives them (real HTTP)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());
  beforeEach(() => h.reset());

  const headersOf = (headers: http.IncomingHttpHeaders): Record<string, string | undefined> =>
    Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
  const receiveAll = () => h.received.map((d) => inbound.receive(delivery(d.raw, headersOf(d.headers))));

  it("the sandbox's signed payment.captured names the order, session and payment", async () => {
    const { reference, paymentId } = await paidSession(h, 'order-hook');
    const [received] = receiveAll();
    expect(received).toEqual({
      ok: true,
      event: {
        id: h.received[0].headers['x-komoju-id'],
        type: 'payment.captured',
        orderId: 'order-hook',
        reference,
        paymentId,
        signal: 'captured',
      },
    });
    // The same bytes with one byte changed are refused.
    const tampered = Buffer.from(h.received[0].raw.toString('utf8').replace('order-hook', 'order-hoox'));
    expect(inbound.receive(delivery(tampered, headersOf(h.received[0].headers)))).toMatchObject({ ok: false, status: 401 });
  });

  it('refund events: only the full refund signals the checkout', async () => {
    const paid = await paidSession(h, 'order-hook-refund');
    h.received.length = 0;
    await h.provider.refund(paid.ref, 1000, 'hook-refund-1');
    await h.provider.refund(paid.ref, 2000, 'hook-refund-2');
    await h.sandbox.drain();
    const events = receiveAll().map((r) => (r.ok ? [r.event.type, r.event.signal, r.event.orderId] : [r.code]));
    expect(events).toEqual([
      ['payment.refund.created', null, 'order-hook-refund'],
      ['payment.refunded', 'refunded', 'order-hook-refund'],
    ]);
  });

  it('retries a webhook the shop did not accept, with the same id and bytes', async () => {
    h.hookReplies.push(500, 503);
    const { paymentId } = await paidSession(h, 'order-retry');
    expect(h.received.map((r) => r.headers['x-komoju-id'])).toEqual(Array(3).fill(h.received[0].headers['x-komoju-id']));
    expect(new Set(h.received.map((r) => r.raw.toString()))).toEqual(new Set([h.received[0].raw.toString()]));
    const log = (await (await fetch(`${h.apiUrl}/webhooks?payment_id=${paymentId}`)).json()) as {
      data: { status: string; attempts: number; last_status: number }[];
    };
    expect(log.data).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3, last_status: 200 })]);
    // The three deliveries are one event to the inbox.
    expect(new Set(receiveAll().map((r) => accepted(r).id)).size).toBe(1);
  });

  it("the customer's return carries the proof only for its own session", async () => {
    const started = await h.provider.start(startRequest('order-return'), 'create-order-return');
    const other = await h.provider.start(startRequest('order-return-2'), 'create-order-return-2');
    const res = await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD));
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location') as string);
    expect(back.origin + back.pathname).toBe('https://shop.example/checkouts/order-return/return');
    const query = Object.fromEntries(back.searchParams);
    expect(isCustomerReturn(query, started.reference)).toBe(true);
    expect(isCustomerReturn(query, other.reference)).toBe(false);
    expect((await h.provider.lookup(ref('order-return', started.reference))).status).toBe('captured');
  });
});
