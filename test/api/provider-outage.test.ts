/**
 * No seat held by a provider outage: when KOMOJU cannot open a session, the checkout retries
 * while the customer could still pay, the caller gets a clear 503 instead of a hung request, a
 * cancel wins, and the seats come back when time is up.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, http as call, startService, type TestService } from '../support/service';
import { cardBody } from '../support/shop';

let service: TestService;
let komoju: http.Server;
const attempts: Array<{ path: string; idempotencyKey?: string }> = [];

beforeAll(async () => {
  // KOMOJU having a bad day: every API call answers 503.
  komoju = http.createServer((req, res) => {
    attempts.push({ path: req.url ?? '', idempotencyKey: req.headers['x-komoju-idempotency'] as string | undefined });
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'service_unavailable', message: 'try later', param: null } }));
  });
  await new Promise<void>((resolve) => komoju.listen(0, '127.0.0.1', resolve));
  service = await startService({
    KOMOJU_API_URL: `http://127.0.0.1:${(komoju.address() as AddressInfo).port}`,
    KOMOJU_SECRET_KEY: 'sk_test_outage',
    KOMOJU_WEBHOOK_SECRET: 'whsec_outage',
    CHECKOUT_TIMEOUT: '12s',
  });
  await call('POST', `${service.url}/events`, { id: 'gig', title: 'Gig', currency: 'JPY', ticketTypes: [{ id: 'pit', name: 'Pit', price: 3000, capacity: 5 }] });
});
afterAll(async () => {
  await service?.stop();
  await new Promise((resolve) => komoju?.close(resolve));
});

const seats = async () => (await call('GET', `${service.url}/events/gig`)).json.ticketTypes[0];

test('the caller gets a 503 in the contract\'s shape, not a hung request; the seats come back after CHECKOUT_TIMEOUT', async () => {
  const res = await call('POST', `${service.url}/checkouts`, cardBody('down-1', 'gig', 'pit'));
  expect(res.status).toBe(503);
  expect(res.json.error).toMatchObject({ code: 'provider_unavailable', details: { orderId: 'down-1' } });
  expect(JSON.stringify(res.json)).not.toMatch(/at .*\.ts:\d+/);
  const order = await eventually(() => call('GET', `${service.url}/checkouts/down-1`), (o) => o.json?.status === 'cancelled', 60_000);
  expect(order.json.history.at(-1).reason).toContain('could not be reached');
  expect(await seats()).toMatchObject({ reserved: 0, available: 5 });
  // Asking again now is a clear no: that checkout is over.
  const late = await call('POST', `${service.url}/checkouts`, cardBody('down-1', 'gig', 'pit'));
  expect(late.status).toBe(409);
  expect(late.json.error.code).toBe('checkout_closed');
  // It was retried, always with the same idempotency key (a session is never opened twice).
  const sessions = attempts.filter((a) => a.path === '/api/v1/sessions');
  expect(sessions.length).toBeGreaterThan(1);
  expect(new Set(sessions.map((a) => a.idempotencyKey))).toEqual(new Set(['down-1:start']));
});

test('with a real KOMOJU configured, the built-in sandbox is not mounted', async () => {
  expect((await call('GET', `${service.url}/sandbox/komoju/`)).status).toBe(404);
  expect((await call('POST', `${service.url}/sandbox/komoju/api/v1/sessions`, {})).status).toBe(404);
});

test('a cancel while the provider is still being retried wins: the seats come back at once', async () => {
  const pending = call('POST', `${service.url}/checkouts`, cardBody('down-2', 'gig', 'pit', 'credit_card', 2));
  await eventually(() => seats(), (s) => s.reserved === 2);
  expect((await call('POST', `${service.url}/checkouts/down-2/cancel`)).status).toBe(202);
  const answer = await pending;
  expect(answer.status).toBe(409);
  expect(answer.json.error.code).toBe('checkout_cancelled');
  await eventually(() => call('GET', `${service.url}/checkouts/down-2`), (o) => o.json?.status === 'cancelled');
  expect(await seats()).toMatchObject({ reserved: 0, available: 5 });
});
