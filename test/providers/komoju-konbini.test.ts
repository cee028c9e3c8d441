import type { KomojuKonbiniDetails, KomojuPayment } from '../../src/providers/komoju/types';
import { ProviderError, type StartRequest } from '../../src/providers/types';
import { COLLECTIONS, KONBINI_STORES, komojuSandbox } from '../../src/sandbox/komoju';
import { defaultDeadline, formatJst, parseDeadlineSeconds } from '../../src/sandbox/komoju/konbini';
import { eventually } from '../support/eventually';
import { form, GRACE_MS, type Harness, pageOf, SECRET_KEY, startHarness, WEBHOOK_SECRET } from './komoju-sandbox-harness';
import { ref, startRequest } from './komoju-wire';

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

function konbiniRequest(orderId: string, overrides: Partial<StartRequest> = {}): StartRequest {
  return startRequest(orderId, {
    amount: 4200,
    method: 'konbini',
    customer: { email: 'taro@example.com', name: 'Taro', locale: 'ja' },
    items: [{ ticketTypeId: 'a', name: 'A seat', unitPrice: 2100, quantity: 2 }],
    ...overrides,
  });
}

describe('KOMOJU sandbox: konbini payments (real HTTP, real MongoDB)', () => {
  let h: Harness;
  const json = { headers: { Accept: 'application/json' } };

  beforeAll(async () => {
    // Sweep off: expiry must come from reads here; the sweep has its own test.
    h = await startHarness({ expirySweepMs: 0 });
  });
  afterAll(() => h?.close());
  beforeEach(() => h.reset());

  const sessionFor = async (orderId: string, overrides: Partial<StartRequest> = {}) => {
    const started = await h.provider.start(konbiniRequest(orderId, overrides), `create-${orderId}`);
    return { reference: started.reference, redirectUrl: pageOf(started) };
  };

  async function issue(orderId: string, fields: Record<string, string> = { store: 'lawson' }) {
    const session = await sessionFor(orderId);
    const res = await fetch(`${session.redirectUrl}/konbini`, form(fields));
    expect(res.status).toBe(303);
    const payment = (await h.client.getSession(session.reference)).payment as KomojuPayment;
    await h.sandbox.drain();
    return { session, res, payment, details: payment.payment_details as KomojuKonbiniDetails, ref: ref(orderId, session.reference, payment.id) };
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

  it('issues a slip: authorized at KOMOJU, pending for the checkout, default deadline, signed payment.authorized', async () => {
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

    const deadline = payment.payment_deadline as string;
    const slip = {
      paymentId: payment.id,
      status: 'pending',
      amount: 4200,
      currency: 'JPY',
      owner: { orderId: 'order-slip', reference: session.reference },
      pending: {
        kind: 'konbini',
        reason: expect.stringContaining('family-mart'),
        deadline,
        settleBy: new Date(Date.parse(deadline) + GRACE_MS).toISOString(),
        details: { store: 'family-mart', instructionsUrl: details.instructions_url, confirmationCode: details.confirmation_code },
        notice: 'konbini_instructions',
      },
    };
    expect(await h.provider.lookup(ref('order-slip', session.reference))).toEqual(slip);
    expect(await h.provider.lookup(ref('order-slip', session.reference, payment.id))).toEqual(slip);
    // The page can no longer be closed: the slip is reported, not lost.
    expect(await h.provider.close(ref('order-slip', session.reference), 'close-order-slip')).toEqual(slip);

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
    const card = await h.provider.start({ ...konbiniRequest('order-card'), method: 'credit_card' }, 'create-order-card');
    expect((await fetch(`${pageOf(card)}/konbini`, form({ store: 'lawson' }))).status).toBe(422);
    expect(await h.db.collection(COLLECTIONS.payments).countDocuments({ session: { $in: [session.reference, card.reference] } })).toBe(0);
  });

  it('pay at store: captured with captured_at and payment.captured; then nothing else applies', async () => {
    const { payment, ref: slip } = await issue('order-paid');
    const res = await operator(payment.id, 'pay-at-store', json);
    expect(res.status).toBe(200);
    const paid = (await res.json()) as KomojuPayment;
    expect(paid).toMatchObject({ id: payment.id, status: 'captured' });
    expect(paid.captured_at).not.toBeNull();
    const state = await h.provider.lookup(slip);
    expect(state).toMatchObject({ status: 'captured', paymentId: payment.id, owner: { orderId: 'order-paid' } });
    expect(state).not.toHaveProperty('pending');
    expect((await h.provider.lookup(ref('order-paid', slip.reference))).status).toBe('captured');
    await h.sandbox.drain();
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.captured']);
    expect(h.received.every((d) => d.signed)).toBe(true);

    for (const action of ['pay-at-store', 'expire', 'cancel']) {
      const refused = await operator(payment.id, action, json);
      expect(refused.status).toBe(422);
      expect(await refused.json()).toEqual({ error: { code: 'unprocessable_entity', message: expect.stringContaining('captured'), param: null } });
    }
    // KOMOJU cannot refund konbini by API: the operator files a refund_request instead.
    await expect(h.provider.refund(slip, 4200, 'refund-paid')).rejects.toMatchObject({ status: 422, retryable: false });
    await expect(h.provider.void(slip, 'void-paid')).rejects.toMatchObject({ status: 422, retryable: false });
    await h.sandbox.drain();
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.captured']);
  });

  it('expire: expired with payment.expired; the store can no longer take the money', async () => {
    const { payment, ref: slip } = await issue('order-expire');
    const res = await operator(payment.id, 'expire', { headers: {} }); // no body, no form: JSON
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'expired' });
    expect((await h.provider.lookup(ref('order-expire', (await h.client.getPayment(payment.id)).session))).status).toBe('expired');
    const expired = await h.provider.lookup(slip);
    expect(expired).toMatchObject({ status: 'expired', owner: { orderId: 'order-expire', reference: slip.reference } });
    expect(expired).not.toHaveProperty('pending');
    expect((await operator(payment.id, 'pay-at-store', json)).status).toBe(422);
    expect((await operator(payment.id, 'cancel', json)).status).toBe(422);
    await h.sandbox.drain();
    expect(types(payment.id)).toEqual(['payment.authorized', 'payment.expired']);
  });

  it('cancel: from the operator page and through the merchant API; refund stays refused', async () => {
    const first = await issue('order-cancel-op');
    expect(await (await operator(first.payment.id, 'cancel', json)).json()).toMatchObject({ status: 'cancelled' });
    const second = await issue('order-cancel-api');
    await expect(h.provider.refund(second.ref, 4200, 'refund-auth')).rejects.toBeInstanceOf(ProviderError);
    const voided = await h.provider.void(second.ref, 'cancel-api');
    expect(voided).toMatchObject({ status: 'cancelled', paymentId: second.payment.id, owner: { orderId: 'order-cancel-api' } });
    expect(voided).not.toHaveProperty('pending');
    expect((await h.provider.lookup(ref('order-cancel-api', second.session.reference))).status).toBe('cancelled');
    await h.sandbox.drain();
    expect(types(first.payment.id)).toEqual(['payment.authorized', 'payment.cancelled']);
    expect(types(second.payment.id)).toEqual(['payment.authorized', 'payment.cancelled']);
    expect((await operator('nosuchpayment', 'cancel', json)).status).toBe(404);
  });

  it('expires by itself once the deadline has passed (on read), webhook once', async () => {
    const { session, payment, ref: slip } = await issue('order-auto', { store: 'seicomart', deadline_seconds: '1' });
    const first = await h.provider.lookup(slip);
    expect(first).toMatchObject({ status: 'pending', pending: { details: { store: 'seicomart' }, deadline: payment.payment_deadline } });
    const expired = await eventually(() => h.provider.lookup(slip), (state) => state.status === 'expired', 5000);
    expect(expired).toMatchObject({ paymentId: payment.id, owner: { orderId: 'order-auto', reference: session.reference } });
    expect((await h.provider.lookup(ref('order-auto', session.reference))).status).toBe('expired');
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
