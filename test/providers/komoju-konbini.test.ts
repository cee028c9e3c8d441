import type { KomojuKonbiniDetails, KomojuPayment } from '../../src/providers/komoju/types';
import { ProviderError, type SessionRequest } from '../../src/providers/types';
import { COLLECTIONS, KONBINI_STORES, komojuSandbox } from '../../src/sandbox/komoju';
import { defaultDeadline, formatJst, parseDeadlineSeconds } from '../../src/sandbox/komoju/konbini';
import { eventually } from '../support/eventually';
import { form, type Harness, SECRET_KEY, startHarness, WEBHOOK_SECRET } from './komoju-sandbox-harness';

// ---------------------------------------------------------------- deadline rules (pure)

describe('konbini deadline', () => {
  it('defaults to 23:59:59 JST three days after today in JST', () => {
    const at = (iso: string) => defaultDeadline(new Date(iso)).toISOString();
    expect(at('2018-10-15T10:00:00Z')).toBe('2018-10-18T14:59:59.000Z'); // 19:00 JST on the 15th
    expect(at('2018-10-15T14:59:59Z')).toBe('2018-10-18T14:59:59.000Z'); // 23:59:59 JST, still the 15th
    expect(at('2018-10-15T15:00:00Z')).toBe('2018-10-19T14:59:59.000Z'); // 00:00 JST, already the 16th
    expect(at('2018-12-30T03:00:00Z')).toBe('2019-01-02T14:59:59.000Z'); // across the year
  });

  it('reads deadline_seconds strictly and formats JST', () => {
    expect([undefined, '', '30', ' 30 ', '0', '-5', '1.5', 'abc', '99999999'].map(parseDeadlineSeconds)).toEqual([
      undefined, undefined, 30, 30, null, null, null, null, null,
    ]);
    expect(formatJst(new Date('2018-10-18T14:59:59Z'))).toBe('2018-10-18 23:59:59 JST');
    expect(formatJst(new Date('2018-10-18T14:59:59Z'), 'ja')).toBe('2018年10月18日 23:59:59 (日本時間)');
  });
});

// ---------------------------------------------------------------- sandbox over real HTTP

function konbiniRequest(orderId: string, overrides: Partial<SessionRequest> = {}): SessionRequest {
  return {
    orderId,
    amount: 4200,
    currency: 'JPY',
    method: 'konbini',
    customer: { email: 'taro@example.com', name: 'Taro', locale: 'ja' },
    items: [{ ticketTypeId: 'a', name: 'A seat', unitPrice: 2100, quantity: 2 }],
    returnUrl: `https://shop.example/checkouts/${orderId}/return`,
    expiresInSeconds: 1800,
    ...overrides,
  };
}

describe('KOMOJU sandbox: konbini payments (real HTTP, real MongoDB)', () => {
  let h: Harness;
  const json = { headers: { Accept: 'application/json' } };

  beforeAll(async () => {
    // Sweep off: expiry must come from reads here; the sweep has its own test.
    h = await startHarness({ expirySweepMs: 0 });
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    await h.sandbox.drain();
    h.received.length = 0;
    h.clock.offsetMs = 0;
  });

  const sessionFor = (orderId: string, overrides: Partial<SessionRequest> = {}) =>
    h.provider.createSession(konbiniRequest(orderId, overrides), `create-${orderId}`);

  async function issue(orderId: string, fields: Record<string, string> = { store: 'lawson' }) {
    const session = await sessionFor(orderId);
    const res = await fetch(`${session.redirectUrl}/konbini`, form(fields));
    expect(res.status).toBe(303);
    const payment = (await h.client.getSession(session.reference)).payment as KomojuPayment;
    await h.sandbox.drain();
    return { session, res, payment, details: payment.payment_details as KomojuKonbiniDetails };
  }

  const operator = (id: string, action: string, init: RequestInit = {}) =>
    fetch(`${h.apiUrl}/payments/${id}/${action}`, { method: 'POST', redirect: 'manual', ...init });
  const types = (paymentId: string) => h.received.filter((d) => d.event.data.id === paymentId).map((d) => d.event.type);

  it('hosted page: six stores with both names, one "issue slip" form, deadline_seconds carried', async () => {
    const session = await sessionFor('order-page');
    const html = await (await fetch(session.redirectUrl)).text();
    for (const store of KONBINI_STORES) {
      expect(html).toContain(`name="store" value="${store.id}"`);
      expect(html).toContain(`${store.ja} / ${store.en}`);
    }
    expect(html).toContain(`action="/sandbox/komoju/sessions/${session.reference}/konbini"`);
    expect(html).toContain('払込票を発行');
    expect(html).not.toContain('name="number"'); // no card form on a konbini-only session
    expect(html).not.toContain('name="deadline_seconds"');

    const short = await fetch(`${session.redirectUrl}?deadline_seconds=30`);
    expect(await short.text()).toContain('<input type="hidden" name="deadline_seconds" value="30">');
    expect((await fetch(`${session.redirectUrl}?deadline_seconds=soon`)).status).toBe(400);
  });

  it('issues a slip: authorized, default deadline, redirect back, signed payment.authorized', async () => {
    const before = new Date();
    const { session, res, payment, details } = await issue('order-slip', { store: 'family-mart' });
    const after = new Date();
    const back = new URL(res.headers.get('location') as string);
    expect(back.origin + back.pathname).toBe('https://shop.example/checkouts/order-slip/return');
    expect(back.searchParams.get('session_id')).toBe(session.reference);

    expect(payment).toMatchObject({ status: 'authorized', amount: 4200, currency: 'JPY', external_order_num: 'order-slip', captured_at: null });
    expect([defaultDeadline(before).toISOString(), defaultDeadline(after).toISOString()]).toContain(payment.payment_deadline);
    expect(payment.payment_deadline).toMatch(/T14:59:59\.000Z$/);
    expect(Date.parse(payment.payment_deadline as string) - before.getTime()).toBeGreaterThan(2 * 86_400_000);
    expect(details).toEqual({
      type: 'konbini',
      store: 'family-mart',
      email: 'taro@example.com',
      confirmation_code: expect.stringMatching(/^\d{6}$/),
      receipt: expect.stringMatching(/^\d{13}$/),
      instructions_url: `${h.apiUrl}/payments/${payment.id}/instructions`,
    });

    expect(await h.provider.lookupSession(session.reference)).toEqual({
      paymentId: payment.id,
      status: 'authorized',
      amount: 4200,
      currency: 'JPY',
      konbini: { store: 'family-mart', deadline: payment.payment_deadline, instructionsUrl: details.instructions_url, confirmationCode: details.confirmation_code },
    });

    expect(h.received).toHaveLength(1);
    const [hook] = h.received;
    expect(hook.signed).toBe(true);
    expect(hook.headers['x-komoju-event']).toBe('payment.authorized');
    expect(hook.event).toMatchObject({ type: 'payment.authorized', data: { id: payment.id, status: 'authorized', payment_details: details } });

    // The session page now points at the slip instead of offering to pay.
    const done = await (await fetch(session.redirectUrl)).text();
    expect(done).toContain(`href="${details.instructions_url}"`);
    expect(done).not.toContain('name="store"');

    // Issuing again (double click, back button) creates nothing and goes back to the shop.
    const again = await fetch(`${session.redirectUrl}/konbini`, form({ store: 'lawson' }));
    expect(again.status).toBe(303);
    expect(await h.db.collection(COLLECTIONS.payments).countDocuments({ session: session.reference })).toBe(1);
    await h.sandbox.drain();
    expect(h.received).toHaveLength(1);
  });

  it('deadline_seconds sets the deadline to now + seconds', async () => {
    const before = Date.now();
    const { payment } = await issue('order-seconds', { store: 'seven-eleven', deadline_seconds: '600' });
    const deadline = Date.parse(payment.payment_deadline as string);
    expect(deadline).toBeGreaterThanOrEqual(before + 600_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  it('two concurrent issues make one payment and one webhook', async () => {
    const session = await sessionFor('order-double');
    const replies = await Promise.all([1, 2, 3].map(() => fetch(`${session.redirectUrl}/konbini`, form({ store: 'ministop' }))));
    expect(replies.map((r) => r.status)).toEqual([303, 303, 303]);
    expect(await h.db.collection(COLLECTIONS.payments).countDocuments({ session: session.reference })).toBe(1);
    await h.sandbox.drain();
    expect(h.received.map((d) => d.event.type)).toEqual(['payment.authorized']);
  });

  it('refuses a bad slip request without creating anything', async () => {
    const session = await sessionFor('order-bad');
    expect((await fetch(`${session.redirectUrl}/konbini`, form({}))).status).toBe(422);
    expect((await fetch(`${session.redirectUrl}/konbini`, form({ store: 'circle-k' }))).status).toBe(422);
    expect((await fetch(`${session.redirectUrl}/konbini`, form({ store: 'lawson', deadline_seconds: '0' }))).status).toBe(422);
    expect((await fetch(`${session.redirectUrl}/pay`, form({ number: '4111111111111111', name: 'X', expiry: '12/39', cvc: '123' }))).status).toBe(422);
    const card = await h.provider.createSession({ ...konbiniRequest('order-card'), method: 'credit_card' }, 'create-order-card');
    expect((await fetch(`${card.redirectUrl}/konbini`, form({ store: 'lawson' }))).status).toBe(422);
    expect(await h.db.collection(COLLECTIONS.payments).countDocuments({ session: { $in: [session.reference, card.reference] } })).toBe(0);
  });

  it('pay at store: captured with captured_at and payment.captured; then nothing else applies', async () => {
    const { payment } = await issue('order-paid');
    const res = await operator(payment.id, 'pay-at-store', json);
    expect(res.status).toBe(200);
    const paid = (await res.json()) as KomojuPayment;
    expect(paid).toMatchObject({ id: payment.id, status: 'captured' });
    expect(paid.captured_at).not.toBeNull();
    expect(await h.provider.lookupPayment(payment.id)).toMatchObject({ status: 'captured', konbini: { store: 'lawson' } });
    await h.sandbox.drain();
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.captured']);
    expect(h.received.every((d) => d.signed)).toBe(true);

    for (const action of ['pay-at-store', 'expire', 'cancel']) {
      const refused = await operator(payment.id, action, json);
      expect(refused.status).toBe(422);
      expect(await refused.json()).toEqual({ error: { code: 'unprocessable_entity', message: expect.stringContaining('captured'), param: null } });
    }
    // KOMOJU cannot refund konbini by API: the operator files a refund_request instead.
    await expect(h.provider.refund(payment.id, 4200, 'refund-paid')).rejects.toMatchObject({ status: 422, retryable: false });
    await h.sandbox.drain();
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.captured']);
  });

  it('expire: expired with payment.expired; the store can no longer take the money', async () => {
    const { payment } = await issue('order-expire');
    const res = await operator(payment.id, 'expire', { headers: {} }); // no body, no form: JSON
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'expired' });
    expect((await h.provider.lookupSession((await h.client.getPayment(payment.id)).session as string)).status).toBe('expired');
    expect((await operator(payment.id, 'pay-at-store', json)).status).toBe(422);
    expect((await operator(payment.id, 'cancel', json)).status).toBe(422);
    await h.sandbox.drain();
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.expired']);
  });

  it('cancel: from the operator page and through the merchant API; refund stays refused', async () => {
    const first = await issue('order-cancel-op');
    expect(await (await operator(first.payment.id, 'cancel', json)).json()).toMatchObject({ status: 'cancelled' });
    const second = await issue('order-cancel-api');
    await expect(h.provider.refund(second.payment.id, 4200, 'refund-auth')).rejects.toBeInstanceOf(ProviderError);
    expect(await h.provider.cancel(second.payment.id, 'cancel-api')).toMatchObject({ status: 'cancelled', paymentId: second.payment.id });
    await h.sandbox.drain();
    expect(types(first.payment.id)).toEqual(['payment.authorized', 'payment.cancelled']);
    expect(types(second.payment.id)).toEqual(['payment.authorized', 'payment.cancelled']);
    expect((await operator('nosuchpayment', 'cancel', json)).status).toBe(404);
  });

  it('expires by itself once the deadline has passed (on read), webhook once', async () => {
    const { session, payment } = await issue('order-auto', { store: 'seicomart', deadline_seconds: '1' });
    const expired = await eventually(() => h.provider.lookupPayment(payment.id), (state) => state.status === 'expired', 5000);
    expect(expired).toMatchObject({ paymentId: payment.id, konbini: { store: 'seicomart' } });
    expect((await h.provider.lookupSession(session.reference)).status).toBe('expired');
    await h.sandbox.drain();
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.expired']);
  });

  it('concurrent reads after the deadline send payment.expired exactly once', async () => {
    const { session, payment } = await issue('order-race', { store: 'daily-yamazaki', deadline_seconds: '60' });
    h.clock.offsetMs = 61_000;
    const reads = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? h.client.getPayment(payment.id) : h.client.getSession(session.reference).then((s) => s.payment!))),
    );
    expect(reads.map((p) => p.status)).toEqual(Array(8).fill('expired'));
    expect((await operator(payment.id, 'pay-at-store', json)).status).toBe(422);
    await h.sandbox.drain();
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.expired']);
  });

  it('the background sweep expires a slip nobody reads', async () => {
    const { payment } = await issue('order-sweep', { store: 'lawson', deadline_seconds: '1' });
    const sweeper = komojuSandbox({ db: h.db, secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, webhookUrl: h.webhookUrl, expirySweepMs: 100 });
    try {
      await eventually(async () => types(payment.id), (seen) => seen.includes('payment.expired'), 5000);
    } finally {
      await sweeper.close();
    }
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.expired']);
    expect((await h.client.getPayment(payment.id)).status).toBe('expired');
  });

  it('operator pages: index, payment page with buttons, form posts redirect back, instructions', async () => {
    const { payment, details } = await issue('order-operator', { store: 'seven-eleven' });
    const page = `${h.apiUrl}/payments/${payment.id}`;
    const index = await fetch(`${h.apiUrl}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain(`href="/sandbox/komoju/payments/${payment.id}"`);
    const listed = (await (await fetch(`${h.apiUrl}/?format=json`)).json()) as { payments: { id: string }[] };
    expect(listed.payments.map((p) => p.id)).toContain(payment.id);

    const html = await (await fetch(page)).text();
    for (const action of ['pay-at-store', 'expire', 'cancel']) expect(html).toContain(`action="/sandbox/komoju/payments/${payment.id}/${action}"`);
    expect(html).toContain(details.confirmation_code as string);
    expect(await (await fetch(`${page}?format=json`)).json()).toMatchObject({ id: payment.id, status: 'authorized' });

    const slip = await fetch(details.instructions_url as string);
    expect(slip.status).toBe(200);
    const text = await slip.text();
    for (const part of ['セブン-イレブン / 7-Eleven', 'data-amount="4200"', details.confirmation_code, details.receipt, formatJst(new Date(payment.payment_deadline as string))]) {
      expect(text).toContain(part);
    }

    const posted = await operator(payment.id, 'pay-at-store', form({}));
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/sandbox/komoju/payments/${payment.id}`);
    const refused = await operator(payment.id, 'expire', form({}));
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/role="alert">[^<]*captured/);
    expect(await (await fetch(page)).text()).toContain('data-status="captured"');
    expect((await fetch(`${h.apiUrl}/payments/nosuchpayment`)).status).toBe(404);
  });
});
