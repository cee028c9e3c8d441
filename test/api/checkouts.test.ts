import { collections, connectMongo } from '../../src/db/mongo';
import { eventually, http, startService, type TestService } from '../support/service';
import { testServers } from '../support/servers';
import type { MongoClient } from 'mongodb';

let service: TestService;
let mongo: MongoClient;
beforeAll(async () => {
  service = await startService({ ADMIN_TOKEN: 'operator-secret-token' });
  mongo = (await connectMongo(testServers().mongoUri, service.config.mongo.db)).client;
  const created = await http(
    'POST',
    `${service.url}/events`,
    { id: 'hall', title: 'Hall', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1000, capacity: 3 }] },
    { authorization: 'Bearer operator-secret-token' },
  );
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await mongo?.close();
  await service?.stop();
});

const store = () => collections(mongo.db(service.config.mongo.db));
const body = (orderId: string | undefined, quantity = 1, extra: Record<string, unknown> = {}) => ({
  ...(orderId ? { orderId } : {}),
  eventId: 'hall',
  items: [{ ticketTypeId: 'seat', quantity }],
  customer: { email: 'mei@example.com', name: 'Mei' },
  payment: { provider: 'komoju', method: 'credit_card' },
  ...extra,
});
const seats = async () => (await http('GET', `${service.url}/events/hall`)).json.ticketTypes[0];

test('creating an event needs the admin token when one is set', async () => {
  const res = await http('POST', `${service.url}/events`, { title: 'x', currency: 'JPY', ticketTypes: [{ id: 'a', name: 'A', price: 1, capacity: 1 }] });
  expect(res.status).toBe(401);
  expect(res.json.error.code).toBe('unauthorized');
});

test('invalid bodies get a 400 naming the field, and leave nothing behind', async () => {
  const before = await store().orders.countDocuments();
  const cases: Array<[unknown, string]> = [
    [body('bad-1', 0), 'items.0.quantity'],
    [{ ...body('bad-2'), customer: { email: 'not-an-email', name: 'X' } }, 'customer.email'],
    [{ ...body('bad-3'), payment: { provider: 'paypal', method: 'x' } }, 'payment.provider'],
    [body('bad id with spaces'), 'orderId'],
    // Resurs Bank needs the customer's identity number, phone and address.
    [{ ...body('bad-4'), payment: { provider: 'resurs', method: 'INVOICE', flow: 'simplified' } }, 'customer.governmentId'],
    [{ ...body('bad-5'), customer: { email: 'm@example.com', name: 'M', governmentId: '198305147715', phone: '0701234567', address: { addressRow1: 'Gatan 1', postalCode: '25220', postalArea: 'Helsingborg', country: 'XX' } }, payment: { provider: 'resurs', method: 'INVOICE', flow: 'hosted' } }, 'customer.address.country'],
  ];
  for (const [payload, field] of cases) {
    const res = await http('POST', `${service.url}/checkouts`, payload);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_request');
    expect(res.json.error.message).toContain(field);
    expect(JSON.stringify(res.json)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  }
  const broken = await http('POST', `${service.url}/checkouts`, '{"orderId": ');
  expect(broken.status).toBe(400);
  expect(broken.json.error.code).toBe('invalid_json');
  expect(await store().orders.countDocuments()).toBe(before);
});

test('unknown event or ticket type: 404; body over 64 KiB: 413', async () => {
  expect((await http('POST', `${service.url}/checkouts`, { ...body('nf-1'), eventId: 'nope' })).status).toBe(404);
  const unknownType = await http('POST', `${service.url}/checkouts`, { ...body('nf-2'), items: [{ ticketTypeId: 'balcony', quantity: 1 }] });
  expect(unknownType.status).toBe(404);
  expect(unknownType.json.error.message).toContain('balcony');
  const huge = await http('POST', `${service.url}/checkouts`, { ...body('big'), padding: 'x'.repeat(70 * 1024) });
  expect(huge.status).toBe(413);
  expect(huge.json.error.code).toBe('payload_too_large');
  expect(await store().orders.countDocuments({ _id: { $in: ['nf-1', 'nf-2', 'big'] } })).toBe(0);
});

test('same order id + same body → same answer (200); different body → 409 idempotency_conflict', async () => {
  const first = await http('POST', `${service.url}/checkouts`, body('idem-1'));
  expect(first.status).toBe(201);
  const again = await http('POST', `${service.url}/checkouts`, body('idem-1'));
  expect(again.status).toBe(200);
  expect(again.json).toEqual(first.json);
  const conflict = await http('POST', `${service.url}/checkouts`, body('idem-1', 2));
  expect(conflict.status).toBe(409);
  expect(conflict.json.error.code).toBe('idempotency_conflict');
  expect((await seats()).reserved).toBe(1);
  // The cancel endpoint ends it and gives the seat back.
  expect((await http('POST', `${service.url}/checkouts/idem-1/cancel`)).status).toBe(202);
  await eventually(() => http('GET', `${service.url}/checkouts/idem-1`), (res) => res.json.status === 'cancelled');
  expect((await seats()).reserved).toBe(0);
});

test('not enough seats → 409 sold_out, no order and no hold left behind', async () => {
  const before = await seats();
  const res = await http('POST', `${service.url}/checkouts`, body('greedy', 4));
  expect(res.status).toBe(409);
  expect(res.json.error.code).toBe('sold_out');
  expect(await store().orders.countDocuments({ _id: 'greedy' })).toBe(0);
  const after = await seats();
  expect(after.available).toBe(before.available);
  expect(await store().seatHolds.findOne({ _id: 'hall:seat:greedy' })).toMatchObject({ state: 'refused' });
});

test('a generated order id is returned and can be read back', async () => {
  const res = await http('POST', `${service.url}/checkouts`, body(undefined));
  expect(res.status).toBe(201);
  expect(res.json.orderId).toMatch(/^ord_[0-9a-f]{20}$/);
  const read = await http('GET', `${service.url}/checkouts/${res.json.orderId}`);
  expect(read.json).toMatchObject({ status: 'pending', statusCode: 0, amount: 1000, payment: { provider: 'komoju', method: 'credit_card' } });
  expect((await http('GET', `${service.url}/checkouts/missing-order`)).status).toBe(404);
});

test('admin: list checkouts by status with the token; 401 without', async () => {
  expect((await http('GET', `${service.url}/admin/checkouts`)).status).toBe(401);
  const res = await http('GET', `${service.url}/admin/checkouts?status=pending`, undefined, { authorization: 'Bearer operator-secret-token' });
  expect(res.status).toBe(200);
  expect(res.json.checkouts.length).toBeGreaterThan(0);
  expect(res.json.checkouts.every((c: { status: string }) => c.status === 'pending')).toBe(true);
});

test('health, readiness and metrics', async () => {
  expect((await http('GET', `${service.url}/healthz`)).json).toEqual({ status: 'ok' });
  expect((await http('GET', `${service.url}/readyz`)).json).toMatchObject({ status: 'ready', mongodb: 'ok', temporal: 'ok' });
  const metrics = await http('GET', `${service.url}/metrics`);
  expect(metrics.text).toContain('checkout_http_requests_total');
});
