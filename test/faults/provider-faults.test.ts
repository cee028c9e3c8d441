/**
 * Fault 8: KOMOJU failing — 5xx, hanging calls (the client's 10 s timeout), slow answers, and
 * answers lost after KOMOJU acted — on session creation, lookups and refunds. The service talks
 * to a real KOMOJU sandbox through a fault-injecting proxy (fault-proxy.ts). Retries are bounded,
 * callers get clear errors, no seat stays held past CHECKOUT_TIMEOUT, and no refund happens twice.
 */
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody, payByCard } from '../support/shop';
import { startFaultyKomoju, type FaultyKomoju, type Seen } from './fault-proxy';

const ADMIN_TOKEN = 'provider-faults-admin';
const CHECKOUT_TIMEOUT_MS = 30_000;
let komoju: FaultyKomoju;
let service: TestService;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  komoju = await startFaultyKomoju();
  service = await startService({
    KOMOJU_API_URL: komoju.apiUrl,
    KOMOJU_SECRET_KEY: komoju.secretKey,
    KOMOJU_WEBHOOK_SECRET: komoju.webhookSecret,
    CHECKOUT_TIMEOUT: `${CHECKOUT_TIMEOUT_MS / 1000}s`,
    ADMIN_TOKEN,
  });
  komoju.deliverWebhooksTo(`${service.url}/webhooks/komoju`);
  await http('POST', `${service.url}/events`, { id: 'hall', title: 'Hall', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 6000, capacity: 10 }] }, { authorization: `Bearer ${ADMIN_TOKEN}` });
});
afterEach(() => komoju.clear());
afterAll(async () => {
  console.log(`[fault 8] ${JSON.stringify(figures)}`);
  await service?.stop();
  await komoju?.close();
});

const basic = () => ({ authorization: `Basic ${Buffer.from(`${komoju.secretKey}:`).toString('base64')}` });
const order = async (orderId: string) => (await http('GET', `${service.url}/checkouts/${orderId}`)).json;
const seats = async () => (await http('GET', `${service.url}/events/hall`)).json.ticketTypes[0];
const sandboxPayment = async (paymentId: string) => (await http('GET', `${komoju.sandboxUrl}/api/v1/payments/${paymentId}`, undefined, basic())).json;
const operatorRefund = (orderId: string) =>
  http('POST', `${service.url}/admin/checkouts/${orderId}/refund`, { operator: 'ops', reason: 'customer asked' }, { authorization: `Bearer ${ADMIN_TOKEN}` });
const calls = (pattern: RegExp, method = 'POST') => komoju.seen.filter((s: Seen) => s.method === method && pattern.test(s.path));

async function open(orderId: string) {
  const res = await http('POST', `${service.url}/checkouts`, cardBody(orderId, 'hall', 'seat'));
  expect(res.status).toBe(201);
  return res.json;
}
/** A card order paid and completed (no faults on the way); answers KOMOJU's payment id. */
async function completedOrder(orderId: string): Promise<string> {
  const opened = await open(orderId);
  expect((await payByCard(opened.redirectUrl)).status).toBe(303);
  await eventually(() => order(orderId), (o) => o?.status === 'completed', 60_000);
  const sessionId = String(opened.redirectUrl).split('/').pop();
  return (await http('GET', `${komoju.sandboxUrl}/api/v1/sessions/${sessionId}`, undefined, basic())).json.payment.id;
}

test('session creation answers 503 twice, then works: the checkout opens after bounded retries, one session, one idempotency key', async () => {
  komoju.inject({ method: 'POST', path: /\/api\/v1\/sessions$/, fault: { status: 503 }, times: 2 });
  const startedAt = Date.now();
  const opened = await open('flaky-open');
  figures.openAfter503x2Ms = Date.now() - startedAt;
  const attempts = calls(/\/api\/v1\/sessions$/).filter((s) => s.idempotencyKey === 'flaky-open:start');
  expect(attempts.map((s) => s.fault)).toEqual(['503', '503', undefined]);
  expect((await payByCard(opened.redirectUrl)).status).toBe(303);
  const done = await eventually(() => order('flaky-open'), (o) => o?.status === 'completed', 60_000);
  expect(done.tickets).toHaveLength(1);
});

test('session creation hangs for good: the caller gets 503 provider_unavailable with a retry hint, and the seat is released at CHECKOUT_TIMEOUT', async () => {
  komoju.inject({ method: 'POST', path: /\/api\/v1\/sessions$/, fault: { hang: true }, times: 1000 });
  const before = await seats();
  const startedAt = Date.now();
  const res = await http('POST', `${service.url}/checkouts`, cardBody('hung-open', 'hall', 'seat'));
  figures.hungOpenAnsweredMs = Date.now() - startedAt;
  expect(res.status).toBe(503);
  expect(res.json.error).toMatchObject({ code: 'provider_unavailable', message: expect.stringContaining('ask again with the same orderId'), details: { orderId: 'hung-open', retryAfterSeconds: expect.any(Number) } });
  expect((await seats()).reserved).toBe(before.reserved + 1); // held while KOMOJU is retried
  const cancelled = await eventually(() => order('hung-open'), (o) => o?.status === 'cancelled', CHECKOUT_TIMEOUT_MS + 90_000);
  figures.hungOpenReleasedAfterMs = Date.now() - startedAt;
  expect(cancelled.history.at(-1).reason).toContain('could not be reached');
  expect(await seats()).toMatchObject({ reserved: before.reserved, available: before.available });
  const attempts = calls(/\/api\/v1\/sessions$/).filter((s) => s.idempotencyKey === 'hung-open:start');
  expect(attempts.length).toBeGreaterThan(1); // retried, each attempt ended by the client's timeout
  expect(attempts.every((s) => s.fault === 'hang')).toBe(true);
  figures.hungOpenAttempts = attempts.length;
  const again = await http('POST', `${service.url}/checkouts`, cardBody('hung-open', 'hall', 'seat'));
  expect(again.status).toBe(409);
  expect(again.json.error.code).toBe('checkout_closed');
}, 300_000);

test('lookups fail (503), then answer slowly, while the webhook arrives: the checkout still completes', async () => {
  const opened = await open('slow-lookup');
  komoju.inject({ method: 'GET', path: /\/api\/v1\/(payments|sessions)\//, fault: { status: 503 }, times: 3 });
  komoju.inject({ method: 'GET', path: /\/api\/v1\/(payments|sessions)\//, fault: { delayMs: 3_000 }, times: 3 });
  const paidAt = Date.now();
  expect((await payByCard(opened.redirectUrl)).status).toBe(303);
  const done = await eventually(() => order('slow-lookup'), (o) => o?.status === 'completed', 120_000);
  figures.completedAfterFailingLookupsMs = Date.now() - paidAt;
  expect(done.tickets).toHaveLength(1);
  const lookups = calls(/\/api\/v1\/(payments|sessions)\//, 'GET').filter((s) => s.at >= paidAt);
  expect(lookups.filter((s) => s.fault === '503')).toHaveLength(3);
  expect(lookups.some((s) => s.fault?.startsWith('delay'))).toBe(true);
  figures.lookupsDuringFaults = lookups.map((s) => s.fault ?? 'ok');
}, 180_000);

test('an operator refund meets 503 twice: answered after retries, exactly one refund at KOMOJU', async () => {
  const paymentId = await completedOrder('refund-flaky');
  komoju.inject({ method: 'POST', path: /\/refund$/, fault: { status: 503 }, times: 2 });
  const res = await operatorRefund('refund-flaky');
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ status: 'refunded' });
  const attempts = calls(new RegExp(`/payments/${paymentId}/refund$`));
  expect(attempts.map((s) => s.fault)).toEqual(['503', '503', undefined]);
  expect(new Set(attempts.map((s) => s.idempotencyKey)).size).toBe(1);
  const payment = await sandboxPayment(paymentId);
  expect(payment).toMatchObject({ status: 'refunded' });
  expect(payment.refunds).toHaveLength(1);
  figures.refundAfter503x2 = { attempts: attempts.length, refundsAtKomoju: payment.refunds.length };
}, 180_000);

test('an operator refund whose answers are lost (KOMOJU refunded, the call timed out): 422 action_failed; asking again later does not refund twice', async () => {
  const paymentId = await completedOrder('refund-lost');
  const before = await seats();
  komoju.inject({ method: 'POST', path: /\/refund$/, fault: { swallow: true }, times: 1000 });
  const startedAt = Date.now();
  const failed = await operatorRefund('refund-lost');
  figures.lostRefundAnsweredMs = Date.now() - startedAt;
  expect(failed.status).toBe(422);
  expect(failed.json.error).toMatchObject({ code: 'action_failed', message: expect.any(String) });
  const attempts = calls(new RegExp(`/payments/${paymentId}/refund$`));
  expect(attempts.length).toBeGreaterThan(1);
  expect(new Set(attempts.map((s) => s.idempotencyKey)).size).toBe(1); // every retry under one key
  // KOMOJU did refund (the first attempt reached it), once, however many attempts followed.
  expect((await sandboxPayment(paymentId)).refunds).toHaveLength(1);
  expect((await order('refund-lost')).status).toBe('completed'); // the service does not claim what it did not hear

  komoju.clear();
  const retried = await operatorRefund('refund-lost');
  expect(retried.status).toBe(200);
  expect(retried.json).toMatchObject({ status: 'refunded' });
  const payment = await sandboxPayment(paymentId);
  expect(payment).toMatchObject({ status: 'refunded' });
  expect(payment.refunds).toHaveLength(1);
  expect(await seats()).toMatchObject({ sold: before.sold - 1, available: before.available + 1 });
  figures.lostRefund = { attemptsWhileLost: attempts.length, refundsAtKomoju: payment.refunds.length };
}, 300_000);

test('the automatic refund (paid after the checkout closed, seats gone) meets 503s and a hang: retried until KOMOJU answers, exactly one refund', async () => {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  await http('POST', `${service.url}/events`, { id: 'solo', title: 'Solo', currency: 'JPY', ticketTypes: [{ id: 'one', name: 'One', price: 7000, capacity: 1 }] }, admin);
  // late-1 is cancelled; late-2 buys the only seat.
  const late1 = await http('POST', `${service.url}/checkouts`, cardBody('late-1', 'solo', 'one'));
  expect(late1.status).toBe(201);
  expect((await http('POST', `${service.url}/checkouts/late-1/cancel`, undefined, { 'x-client-secret': late1.json.clientSecret })).status).toBe(202);
  await eventually(() => order('late-1'), (o) => o?.status === 'cancelled', 60_000);
  const late2 = await http('POST', `${service.url}/checkouts`, cardBody('late-2', 'solo', 'one'));
  expect((await payByCard(late2.json.redirectUrl)).status).toBe(303);
  await eventually(() => order('late-2'), (o) => o?.status === 'completed', 60_000);

  // Then KOMOJU captures a payment of late-1's own (external_order_num), e.g. from a second tab.
  const session = await http(
    'POST',
    `${komoju.sandboxUrl}/api/v1/sessions`,
    { amount: 7000, currency: 'JPY', return_url: `${service.url}/checkouts/late-1/return`, payment_types: ['credit_card'], payment_data: { external_order_num: 'late-1' } },
    { ...basic(), 'x-komoju-idempotency': 'late-1:second-tab' },
  );
  expect(session.status).toBe(200);
  komoju.inject({ method: 'POST', path: /\/refund$/, fault: { status: 503 }, times: 2 });
  komoju.inject({ method: 'POST', path: /\/refund$/, fault: { hang: true }, times: 1 });
  komoju.inject({ method: 'POST', path: /\/refund$/, fault: { status: 500 }, times: 1 });
  const paidAt = Date.now();
  expect((await payByCard(session.json.session_url)).status).toBe(303);

  const refunded = await eventually(() => order('late-1'), (o) => o?.status === 'refunded', 180_000);
  figures.lateRefundAfterMs = Date.now() - paidAt;
  expect(refunded.history.at(-1).reason).toContain('seats are gone');
  const paymentId = (await http('GET', `${komoju.sandboxUrl}/api/v1/sessions/${session.json.id}`, undefined, basic())).json.payment.id;
  const attempts = calls(new RegExp(`/payments/${paymentId}/refund$`));
  expect(attempts.map((s) => s.fault)).toEqual(['503', '503', 'hang', '500', undefined]);
  expect(new Set(attempts.map((s) => s.idempotencyKey))).toEqual(new Set(['late-1:refund']));
  const payment = await sandboxPayment(paymentId);
  expect(payment).toMatchObject({ status: 'refunded' });
  expect(payment.refunds).toHaveLength(1);
  // late-2 keeps its seat; nothing is held.
  expect((await http('GET', `${service.url}/events/solo`)).json.ticketTypes[0]).toMatchObject({ sold: 1, reserved: 0, available: 0 });
  figures.lateRefund = { attempts: attempts.length, refundsAtKomoju: payment.refunds.length };
}, 300_000);
