/** KOMOJU provider against the built-in sandbox: closing, expiry, refunds, voids, errors, restarts (real HTTP, real MongoDB). */
import { KomojuClient } from '../../src/providers/komoju/client';
import { COLLECTIONS, komojuSandbox } from '../../src/sandbox/komoju';
import {
  expectProviderError,
  form,
  GOOD_CARD,
  type Harness,
  komojuProvider,
  pageOf,
  paidSession,
  SECRET_KEY,
  serveSandbox,
  startHarness,
  WEBHOOK_SECRET,
} from './komoju-sandbox-harness';
import { ref, startRequest } from './komoju-wire';

describe('KOMOJU provider against the built-in sandbox: after the checkout (real HTTP, real MongoDB)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());
  beforeEach(() => h.reset());

  it('close() cancels an open page; a paid one stays paid and is reported', async () => {
    const started = await h.provider.start(startRequest('order-mcancel'), 'idem-mcancel-1');
    const closed = await h.provider.close(ref('order-mcancel', started.reference), 'idem-mcancel-2');
    expect(closed).toEqual({
      paymentId: null,
      status: 'cancelled',
      amount: 3000,
      currency: 'JPY',
      owner: { orderId: 'order-mcancel', reference: started.reference },
    });
    // Closed means closed: the customer can no longer pay it.
    expect((await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD))).status).toBe(409);
    expect(await h.provider.close(ref('order-mcancel', started.reference), 'idem-mcancel-2')).toEqual(closed);

    const paid = await paidSession(h, 'order-mcancel-paid');
    expect(await h.provider.close(ref('order-mcancel-paid', paid.reference), 'idem-mcancel-3')).toMatchObject({
      status: 'captured',
      paymentId: paid.paymentId,
      owner: { orderId: 'order-mcancel-paid', reference: paid.reference },
    });
    await expectProviderError(h.provider.close(ref('order-mcancel-x', 'nosuchsession'), 'idem-mcancel-4'), 404, 'not_found', false);
  });

  it('an expired session cannot be paid', async () => {
    const started = await h.provider.start(startRequest('order-expire', { expiresInSeconds: 60 }), 'idem-expire-1');
    expect((await h.provider.lookup(ref('order-expire', started.reference))).status).toBe('open');
    h.clock.offsetMs = 61_000;
    expect(await h.provider.lookup(ref('order-expire', started.reference))).toMatchObject({
      status: 'expired',
      paymentId: null,
      owner: { orderId: 'order-expire', reference: started.reference },
    });
    const pay = await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD));
    expect(pay.status).toBe(409);
    expect(await pay.text()).toContain('data-state="expired"');
    expect(await h.db.collection(COLLECTIONS.payments).countDocuments({ session: started.reference })).toBe(0);
  });

  it('refunds a captured card payment, idempotently', async () => {
    const paid = await paidSession(h, 'order-refund');
    h.received.length = 0;

    const partial = await h.provider.refund(paid.ref, 1000, 'idem-refund-1');
    expect(partial).toMatchObject({ paymentId: paid.paymentId, status: 'captured', owner: { orderId: 'order-refund', reference: paid.reference } });
    expect(await h.provider.refund(paid.ref, 1000, 'idem-refund-1')).toEqual(partial);

    const full = await h.provider.refund(paid.ref, 2000, 'idem-refund-2');
    expect(full).toMatchObject({ paymentId: paid.paymentId, status: 'refunded', amount: 3000 });
    await expectProviderError(h.provider.refund(paid.ref, 1, 'idem-refund-3'), 422, 'unprocessable_entity', false);
    expect((await h.provider.lookup(paid.ref)).status).toBe('refunded');
    expect((await h.provider.lookup(ref('order-refund', paid.reference))).status).toBe('refunded');

    const payment = await h.client.getPayment(paid.paymentId);
    expect(payment.amount_refunded).toBe(3000);
    expect(payment.refunds.map((r) => r.amount)).toEqual([1000, 2000]);

    await h.sandbox.drain();
    expect(h.received.map((d) => d.event.type)).toEqual(['payment.refund.created', 'payment.refunded']);
    expect(h.received.every((d) => d.signed)).toBe(true);
  });

  it('cannot void a captured payment', async () => {
    const paid = await paidSession(h, 'order-nocancel');
    await expectProviderError(h.provider.void(paid.ref, 'idem-nocancel-1'), 422, 'unprocessable_entity', false);
    expect((await h.provider.lookup(paid.ref)).status).toBe('captured');
  });

  it('answers KOMOJU errors: 401 bad key, 400 with param, 404 for an unknown payment or session', async () => {
    const wrongKey = 'sk_test_wrong_key_123';
    const stranger = komojuProvider(h.apiUrl, wrongKey);
    const unauthorized = await expectProviderError(stranger.lookup(ref('order-x', 'whatever')), 401, 'unauthorized', false);
    expect(unauthorized.message).not.toContain(wrongKey);
    await expectProviderError(stranger.start(startRequest('order-x'), 'idem-stranger-1'), 401, 'unauthorized', false);

    const bad = await expectProviderError(
      h.client.createSession({ amount: 0, currency: 'JPY', return_url: 'https://shop.example/r' }, 'idem-bad-1'),
      400,
      'bad_request',
      false,
    );
    expect(bad.message).toContain('param amount');
    await expectProviderError(
      h.client.createSession({ amount: 100, currency: 'JPY', return_url: 'not a url' }, 'idem-bad-2'),
      400,
      'bad_request',
      false,
    );
    await expectProviderError(h.provider.start(startRequest('order-bad', { amount: 0 }), 'idem-bad-3'), 400, 'bad_request', false);

    const unknownPayment = await expectProviderError(h.provider.lookup(ref('order-x', null, 'nosuchpayment')), 404, 'not_found', false);
    expect(unknownPayment.message).toContain('nosuchpayment');
    // A payment id wins over the session: the unknown payment is not papered over by its session.
    const started = await h.provider.start(startRequest('order-404'), 'idem-404-1');
    await expectProviderError(h.provider.lookup(ref('order-404', started.reference, 'nosuchpayment')), 404, 'not_found', false);
    await expectProviderError(h.provider.lookup(ref('order-x', 'nosuchsession')), 404, 'not_found', false);
    await expectProviderError(h.provider.refund(ref('order-x', null, 'nosuchpayment'), 100, 'idem-404-2'), 404, 'not_found', false);
    await expectProviderError(h.provider.void(ref('order-x', null, 'nosuchpayment'), 'idem-404-3'), 404, 'not_found', false);
  });

  it('keeps its state in MongoDB: a new sandbox instance on the same database sees it', async () => {
    const paid = await paidSession(h, 'order-restart');
    const second = komojuSandbox({ db: h.db, secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, webhookUrl: `${h.webhookUrl}/x` });
    const other = await serveSandbox(second);
    try {
      const again = komojuProvider(`${other.url}/sandbox/komoju`);
      expect(await again.lookup(ref('order-restart', paid.reference))).toMatchObject({ status: 'captured', paymentId: paid.paymentId });
      expect(await again.lookup(paid.ref)).toMatchObject({ status: 'captured', owner: { orderId: 'order-restart', reference: paid.reference } });
      // The idempotency record survived too.
      expect((await again.start(startRequest('order-restart'), 'create-order-restart')).reference).toBe(paid.reference);
      expect(await new KomojuClient({ apiUrl: `${other.url}/sandbox/komoju`, secretKey: SECRET_KEY }).getSession(paid.reference)).toMatchObject({
        status: 'completed',
      });
    } finally {
      await second.close();
      await other.close();
    }
  });
});
