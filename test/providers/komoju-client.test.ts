/** KomojuClient and the provider's calls on the wire (real sockets, no sandbox). */
import type http from 'node:http';
import { KOMOJU_IDEMPOTENCY_HEADER, KomojuClient } from '../../src/providers/komoju/client';
import { expectProviderError, GRACE_MS, komojuProvider, listen, SECRET_KEY } from './komoju-sandbox-harness';
import { ref, wireKonbini, wirePayment } from './komoju-wire';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('KomojuClient failure classification', () => {
  it('5xx, 409 and 429 are retryable; the key never shows', async () => {
    const replies = [503, 409, 429, 422];
    const server = await listen(() => replies.shift() ?? 500);
    try {
      const client = new KomojuClient({ apiUrl: server.url, secretKey: SECRET_KEY });
      for (const status of [503, 409, 429]) {
        const err = await expectProviderError(client.getPayment('p'), status, 'x', true);
        expect(err.message).not.toContain(SECRET_KEY);
      }
      await expectProviderError(client.getPayment('p'), 422, 'x', false);
    } finally {
      await server.close();
    }
  });

  it('a timeout and a refused connection are retryable', async () => {
    const server = await listen(() => 'hang');
    try {
      const slow = new KomojuClient({ apiUrl: server.url, secretKey: SECRET_KEY, timeoutMs: 200 });
      await expectProviderError(slow.getSession('s'), 0, 'timeout', true);
    } finally {
      await server.close();
    }
    const gone = new KomojuClient({ apiUrl: server.url, secretKey: SECRET_KEY });
    await expectProviderError(gone.getSession('s'), 0, 'network_error', true);
  });

  it('refuses to POST without a usable idempotency key', async () => {
    const client = new KomojuClient({ apiUrl: 'http://127.0.0.1:9', secretKey: SECRET_KEY });
    await expectProviderError(client.cancelPayment('p', ''), 0, 'invalid_idempotency_key', false);
    await expectProviderError(client.cancelPayment('p', 'x'.repeat(101)), 0, 'invalid_idempotency_key', false);
    await expectProviderError(client.capturePayment('p', 'has space'), 0, 'invalid_idempotency_key', false);
  });
});

describe('KOMOJU provider calls on the wire', () => {
  const seen: Seen[] = [];
  let reply: unknown = wirePayment();
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    server = await listen((req, raw) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: raw.toString('utf8') });
      return { status: 200, body: reply };
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    seen.length = 0;
    reply = wirePayment();
  });

  it('capture() POSTs to the payment\'s /capture with the idempotency key and reads the answer', async () => {
    const provider = komojuProvider(server.url);
    const captured = await provider.capture(ref('order-1', 'sess1', 'pay/1'), 1500, 'capture-order-1');
    expect(seen).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/api/v1/payments/pay%2F1/capture',
        body: '{}',
        headers: expect.objectContaining({
          [KOMOJU_IDEMPOTENCY_HEADER.toLowerCase()]: 'capture-order-1',
          authorization: `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`,
          'content-type': 'application/json',
        }),
      }),
    ]);
    expect(captured).toEqual({ paymentId: 'pay1', status: 'captured', amount: 1500, currency: 'JPY', owner: { orderId: 'order-1', reference: 'sess1' } });
  });

  it('void(), refund() and lookup() by payment go to the payment, and map with the grace', async () => {
    const provider = komojuProvider(server.url);
    reply = wireKonbini();
    const slip = await provider.lookup(ref('order-1', 'sess1', 'pay1'));
    expect(slip).toMatchObject({ status: 'pending', pending: { kind: 'konbini', settleBy: new Date(Date.parse('2018-10-18T14:59:59Z') + GRACE_MS).toISOString() } });
    reply = wireKonbini({ status: 'cancelled' });
    expect((await provider.void(ref('order-1', 'sess1', 'pay1'), 'void-order-1')).status).toBe('cancelled');
    reply = wirePayment({ status: 'refunded' });
    expect((await provider.refund(ref('order-1', 'sess1', 'pay1'), 700, 'refund-order-1')).status).toBe('refunded');
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['GET', '/api/v1/payments/pay1', ''],
      ['POST', '/api/v1/payments/pay1/cancel', '{}'],
      ['POST', '/api/v1/payments/pay1/refund', '{"amount":700}'],
    ]);
  });

  it('a call that needs a payment or a session it does not have is refused before any request', async () => {
    const provider = komojuProvider(server.url);
    const noPayment = ref('order-7', 'sess7');
    for (const call of [
      provider.capture(noPayment, 100, 'k-capture'),
      provider.void(noPayment, 'k-void'),
      provider.refund(noPayment, 100, 'k-refund'),
      provider.capture({ ...noPayment, paymentId: null }, 100, 'k-capture-2'),
    ]) {
      const err = await expectProviderError(call, 0, 'no_payment', false);
      expect(err.message).toContain('order-7');
    }
    const nothing = ref('order-8', null);
    await expectProviderError(provider.lookup(nothing), 0, 'no_session', false);
    await expectProviderError(provider.confirmSigned(nothing, 'k-signed'), 0, 'no_session', false);
    await expectProviderError(provider.close(nothing, 'k-close'), 0, 'no_session', false);
    expect(seen).toEqual([]);
  });

  it('an unknown KOMOJU payment status is a non-retryable ProviderError', async () => {
    reply = wirePayment({ status: 'on_hold' as never });
    await expectProviderError(komojuProvider(server.url).lookup(ref('order-1', null, 'pay1')), 200, 'unexpected_status', false);
  });
});
