/** KOMOJU provider against the built-in sandbox: starting a card checkout and paying it (real HTTP, real MongoDB). */
import { KOMOJU_SANDBOX_PATH } from '../../src/config';
import { sessionBody } from '../../src/providers/komoju/provider';
import { verifyKomojuSignature } from '../../src/providers/komoju/signature';
import { COLLECTIONS, TEST_CARDS } from '../../src/sandbox/komoju';
import { fingerprint } from '../../src/sandbox/komoju/idempotency';
import {
  DECLINED_CARD,
  expectProviderError,
  form,
  GOOD_CARD,
  type Harness,
  pageOf,
  startHarness,
  WEBHOOK_SECRET,
} from './komoju-sandbox-harness';
import { ref, startRequest } from './komoju-wire';

describe('KOMOJU provider against the built-in sandbox: card checkout (real HTTP, real MongoDB)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());
  beforeEach(() => h.reset());

  const payments = (reference: string) => h.db.collection(COLLECTIONS.payments).countDocuments({ session: reference });

  it('start() opens a session idempotently: a redirect to the hosted page, returning under the checkout', async () => {
    const request = startRequest('order-create');
    const first = await h.provider.start(request, 'idem-create-1');
    expect(first.reference).toMatch(/^[0-9a-z]{25}$/);
    expect(first.nextAction).toEqual({ type: 'redirect', url: `${h.apiUrl}/sessions/${first.reference}` });
    expect(first.decided).toBeUndefined();
    expect(Date.parse(first.expiresAt) - Date.now()).toBeGreaterThan(1790_000);
    expect(Date.parse(first.expiresAt) - Date.now()).toBeLessThanOrEqual(1800_000);

    const session = await h.client.getSession(first.reference);
    expect(session).toMatchObject({
      session_url: pageOf(first),
      return_url: 'https://shop.example/checkouts/order-create/return',
      payment_data: { external_order_num: 'order-create' },
      expires_at: first.expiresAt,
    });

    const replay = await h.provider.start(request, 'idem-create-1');
    expect(replay).toEqual(first);
    expect(await h.db.collection(COLLECTIONS.sessions).countDocuments({ external_order_num: 'order-create' })).toBe(1);

    const err = await expectProviderError(h.provider.start({ ...request, amount: 9999 }, 'idem-create-1'), 422, 'unprocessable_entity', false);
    expect(err.message).toContain('idempotency');

    expect(await h.provider.lookup(ref('order-create', first.reference))).toEqual({
      paymentId: null,
      status: 'open',
      amount: 3000,
      currency: 'JPY',
      owner: { orderId: 'order-create', reference: first.reference },
    });

    const page = await fetch(pageOf(first));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('data-amount="3000"');
    expect(html).toContain('order-create');
    expect(html).toContain(TEST_CARDS.success);
    expect(html).toContain(TEST_CARDS.declined);
    expect(html).toContain(`action="${KOMOJU_SANDBOX_PATH}/sessions/${first.reference}/pay"`);
    expect(html).toContain(`action="${KOMOJU_SANDBOX_PATH}/sessions/${first.reference}/cancel"`);
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('pays with the success card: redirect, captured payment owned by the order, signed webhook', async () => {
    const started = await h.provider.start(startRequest('order-pay'), 'idem-pay-1');

    const res = await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe('https://shop.example/checkouts/order-pay/return');
    expect(location.searchParams.get('session_id')).toBe(started.reference);

    const state = await h.provider.lookup(ref('order-pay', started.reference));
    expect(state).toMatchObject({ status: 'captured', amount: 3000, currency: 'JPY', owner: { orderId: 'order-pay', reference: started.reference } });
    expect(state.paymentId).toMatch(/^[0-9a-z]{25}$/);
    expect(state).not.toHaveProperty('pending');
    // Asked by payment id, the payment tells the same story, owner included.
    expect(await h.provider.lookup(ref('order-pay', started.reference, state.paymentId))).toEqual(state);
    expect(await h.provider.confirmSigned(ref('order-pay', started.reference), 'idem-pay-signed')).toEqual(state);

    const payment = await h.client.getPayment(state.paymentId as string);
    expect(payment).toMatchObject({
      status: 'captured',
      external_order_num: 'order-pay',
      session: started.reference,
      payment_details: { type: 'credit_card', brand: 'visa', last_four_digits: '1111' },
    });
    expect(payment.captured_at).not.toBeNull();

    await h.sandbox.drain();
    expect(h.received).toHaveLength(1);
    const [delivery] = h.received;
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['user-agent']).toBe('Komoju-Webhook');
    expect(delivery.headers['x-komoju-event']).toBe('payment.captured');
    expect(verifyKomojuSignature(delivery.raw, delivery.headers['x-komoju-signature'] as string, WEBHOOK_SECRET)).toBe(true);
    expect(delivery.signed).toBe(true);
    const { event } = delivery;
    expect(event).toMatchObject({ type: 'payment.captured', resource: 'event', reason: null });
    expect(event.id).toMatch(/^evt_/);
    expect(delivery.headers['x-komoju-id']).toBe(event.id);
    expect(event.data).toMatchObject({
      id: state.paymentId,
      status: 'captured',
      amount: 3000,
      currency: 'JPY',
      external_order_num: 'order-pay',
      session: started.reference,
      payment_deadline: null,
    });

    // Paying again creates nothing: the customer is sent back to the shop.
    const again = await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD));
    expect(again.status).toBe(303);
    expect(await payments(started.reference)).toBe(1);

    const log = (await (await fetch(`${h.apiUrl}/webhooks?payment_id=${state.paymentId}`)).json()) as {
      data: { id: string; status: string; attempts: number; last_status: number }[];
    };
    expect(log.data).toEqual([expect.objectContaining({ id: event.id, status: 'delivered', attempts: 1, last_status: 200 })]);
  });

  it("the return keeps the shop's own query and adds session_id", async () => {
    const body = { ...sessionBody(startRequest('order-query')), return_url: 'https://shop.example/checkouts/order-query/return?lang=ja' };
    const session = await h.client.createSession(body, 'idem-query-1');
    const res = await fetch(`${session.session_url}/pay`, form(GOOD_CARD));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe('https://shop.example/checkouts/order-query/return');
    expect(location.searchParams.get('lang')).toBe('ja');
    expect(location.searchParams.get('session_id')).toBe(session.id);
  });

  it('two concurrent pays of one session make one payment and one webhook', async () => {
    const started = await h.provider.start(startRequest('order-double'), 'idem-double-1');
    const [a, b] = await Promise.all([fetch(`${pageOf(started)}/pay`, form(GOOD_CARD)), fetch(`${pageOf(started)}/pay`, form(GOOD_CARD))]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await payments(started.reference)).toBe(1);
    await h.sandbox.drain();
    expect(h.received.map((d) => d.event.type)).toEqual(['payment.captured']);
  });

  it('a retry while the first request is still in flight gets a retryable 409', async () => {
    const body = sessionBody(startRequest('order-inflight'));
    const now = new Date();
    await h.db.collection<Record<string, unknown> & { _id: string }>(COLLECTIONS.idempotency).insertOne({
      _id: 'idem-inflight-1',
      fingerprint: fingerprint('POST', `${KOMOJU_SANDBOX_PATH}/api/v1/sessions`, body),
      state: 'in_flight',
      created_at: now,
      updated_at: now,
    });
    await expectProviderError(h.provider.start(startRequest('order-inflight'), 'idem-inflight-1'), 409, 'conflict', true);
  });

  it('declined card: the page says so, the checkout stays open, a retry may succeed', async () => {
    const started = await h.provider.start(startRequest('order-decline'), 'idem-decline-1');
    const res = await fetch(`${pageOf(started)}/pay`, form(DECLINED_CARD));
    expect(res.status).toBe(402);
    expect(await res.text()).toMatch(/declined/i);
    expect(await h.provider.lookup(ref('order-decline', started.reference))).toMatchObject({ status: 'open', paymentId: null });
    expect(await payments(started.reference)).toBe(0);

    const retry = await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD));
    expect(retry.status).toBe(303);
    expect((await h.provider.lookup(ref('order-decline', started.reference))).status).toBe('captured');
    await h.sandbox.drain();
    expect(h.received.map((d) => d.event.type)).toEqual(['payment.captured']);
  });

  it('customer cancels: back to the shop with session_id, checkout cancelled, no payment possible', async () => {
    const started = await h.provider.start(startRequest('order-cancel'), 'idem-cancel-1');
    const res = await fetch(`${pageOf(started)}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location') as string).searchParams.get('session_id')).toBe(started.reference);
    expect(await h.provider.lookup(ref('order-cancel', started.reference))).toEqual({
      paymentId: null,
      status: 'cancelled',
      amount: 3000,
      currency: 'JPY',
      owner: { orderId: 'order-cancel', reference: started.reference },
    });

    const pay = await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD));
    expect(pay.status).toBe(409);
    expect(await payments(started.reference)).toBe(0);
    await h.sandbox.drain();
    expect(h.received).toHaveLength(0);
  });
});
