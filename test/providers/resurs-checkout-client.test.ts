/**
 * The Resurs Checkout (RCO) REST client against a small fake written from Resurs' docs
 * (providers.md): Basic auth, `POST|PUT /payments/{orderReference}`, the iframe snippet in the
 * answer, and how failures are told apart (retryable or not).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkoutApiUrl, ResursCheckoutClient } from '../../src/providers/resurs/checkout';
import { ProviderError } from '../../src/providers/types';

interface Seen { method: string; url: string; auth: string; body: any }
let seen: Seen[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{}' };
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? '', body: raw ? JSON.parse(raw) : undefined });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => (seen = []));

const client = () => new ResursCheckoutClient({ apiUrl: base, username: 'merchant', password: 's3cret', timeoutMs: 2000 });
const lines = [{ artNo: 'seat', description: 'Seat', quantity: 2, unitMeasure: 'st', unitAmountWithoutVat: 1200, vatPct: 0, type: 'ORDER_LINE' as const }];
const request = { orderLines: lines, successUrl: 'https://shop.example/ok', backUrl: 'https://shop.example/back', shopUrl: 'https://shop.example' };

test('RCO lives on its own hosts for Resurs test and production; elsewhere under <apiUrl>/checkout', () => {
  expect(checkoutApiUrl('https://test.resurs.com/ecommerce-test')).toBe('https://omnitest.resurs.com/checkout');
  expect(checkoutApiUrl('https://ecommerce.resurs.com')).toBe('https://checkout.resurs.com/checkout');
  expect(checkoutApiUrl('http://localhost:3000/sandbox/resurs/')).toBe('http://localhost:3000/sandbox/resurs/checkout');
});

test('openSession POSTs the cart with Basic auth and reads the iframe address from the html snippet', async () => {
  answer = { status: 201, body: JSON.stringify({ paymentSessionId: 'ps-1', html: '<iframe src="https://omnitest.resurs.com/checkout/iframe?a=1&amp;b=2" frameborder="0"></iframe>', script: '<script></script>' }) };
  const session = await client().openSession('order-1', request);
  expect(session).toEqual({ paymentSessionId: 'ps-1', iframeUrl: 'https://omnitest.resurs.com/checkout/iframe?a=1&b=2', baseUrl: 'https://omnitest.resurs.com', script: '<script></script>' });
  expect(seen).toEqual([{ method: 'POST', url: '/checkout/payments/order-1', auth: `Basic ${Buffer.from('merchant:s3cret').toString('base64')}`, body: request }]);
});

test('updateCart PUTs the order lines to the same reference', async () => {
  answer = { status: 200, body: '' };
  await client().updateCart('order-1', lines);
  expect(seen).toMatchObject([{ method: 'PUT', url: '/checkout/payments/order-1', body: { orderLines: lines } }]);
});

test('failures: a bad reference is refused before any call; 401 and 404 are final, 5xx retryable; the password never shows', async () => {
  await expect(client().openSession('order_1', request)).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
  expect(seen).toHaveLength(0);
  const failure = async (status: number, body = '{"message":"no"}') => {
    answer = { status, body };
    return client().updateCart('order-1', lines).then(() => undefined, (err: ProviderError) => err);
  };
  expect(await failure(401)).toMatchObject({ code: 'unauthorized', retryable: false });
  expect(await failure(404)).toMatchObject({ code: 'not_found', retryable: false });
  expect(await failure(503)).toMatchObject({ code: 'http_503', retryable: true });
  answer = { status: 201, body: '{"paymentSessionId":"ps"}' };
  await expect(client().openSession('order-1', request)).rejects.toMatchObject({ code: 'invalid_response' });
  const down = new ResursCheckoutClient({ apiUrl: 'http://127.0.0.1:1', username: 'merchant', password: 's3cret' });
  const err = await down.updateCart('order-1', lines).catch((e: ProviderError) => e);
  expect(err).toMatchObject({ code: 'network_error', retryable: true });
  expect(String((err as Error).message)).not.toContain('s3cret');
});
