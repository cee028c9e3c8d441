import type { MongoClient } from 'mongodb';
import { collections, connectMongo } from '../../src/db/mongo';
import { signKomoju } from '../../src/providers/komoju/signature';
import { callbackDigest } from '../../src/providers/resurs/digest';
import type { OrderDoc } from '../../src/db/schema';
import { connectTemporal } from '../../src/temporal/client';
import { eventually, http, startService, type TestService } from '../support/service';
import { testServers } from '../support/servers';

let service: TestService;
let mongo: MongoClient;
beforeAll(async () => {
  service = await startService();
  mongo = (await connectMongo(testServers().mongoUri, service.config.mongo.db)).client;
  await http('POST', `${service.url}/events`, { id: 'club', title: 'Club', currency: 'JPY', ticketTypes: [{ id: 'floor', name: 'Floor', price: 2000, capacity: 5 }] });
});
afterAll(async () => {
  await mongo?.close();
  await service?.stop();
});

const inbox = () => collections(mongo.db(service.config.mongo.db)).inbox;
const secret = () => service.config.komoju.webhookSecret;

function envelope(id: string, type: string, orderId: string | null, paymentId = 'pay_test') {
  return JSON.stringify({ id, type, resource: 'event', created_at: new Date().toISOString(), reason: null, data: { id: paymentId, status: 'captured', amount: 2000, currency: 'JPY', external_order_num: orderId } });
}
function deliver(raw: string, signature: string | undefined, type = 'payment.captured') {
  const headers: Record<string, string> = { 'x-komoju-event': type, 'user-agent': 'Komoju-Webhook', 'x-komoju-id': 'd' };
  if (signature !== undefined) headers['x-komoju-signature'] = signature;
  return http('POST', `${service.url}/webhooks/komoju`, raw, headers);
}

test('missing, wrong or stale signatures are refused with 401 and nothing is recorded', async () => {
  const raw = envelope('evt_bad_sig', 'payment.captured', 'whatever');
  expect((await deliver(raw, undefined)).status).toBe(401);
  expect((await deliver(raw, 'deadbeef')).status).toBe(401);
  expect((await deliver(raw, signKomoju(raw, 'another-secret'))).status).toBe(401);
  const altered = raw.replace('"amount":2000', '"amount":1');
  const res = await deliver(altered, signKomoju(raw, secret()));
  expect(res.status).toBe(401);
  expect(res.json.error.code).toBe('invalid_signature');
  expect(await inbox().countDocuments({ _id: 'komoju:evt_bad_sig' })).toBe(0);
});

test('a valid event for an order we do not know is kept for operators and acknowledged', async () => {
  const raw = envelope('evt_stranger', 'payment.captured', 'someone-elses-order');
  const res = await deliver(raw, signKomoju(raw, secret()));
  expect(res.status).toBe(200);
  expect(await inbox().findOne({ _id: 'komoju:evt_stranger' })).toMatchObject({ state: 'unroutable', orderId: 'someone-elses-order' });
});

test('ping is acknowledged and recorded', async () => {
  const raw = JSON.stringify({ id: 'evt_ping', type: 'ping', resource: 'event', data: {} });
  const res = await deliver(raw, signKomoju(raw, secret()), 'ping');
  expect(res.status).toBe(200);
  expect(await inbox().findOne({ _id: 'komoju:evt_ping' })).toMatchObject({ state: 'ignored' });
});

test('the webhook alone completes a paid order (customer never returns); repeats are acknowledged and change nothing', async () => {
  const opened = await http('POST', `${service.url}/checkouts`, {
    orderId: 'wh-1',
    eventId: 'club',
    items: [{ ticketTypeId: 'floor', quantity: 1 }],
    customer: { email: 'ren@example.com', name: 'Ren', locale: 'ja' },
    payment: { provider: 'komoju', method: 'credit_card' },
  });
  expect(opened.status).toBe(201);
  const sessionId = opened.json.redirectUrl.split('/').pop();
  const paid = await fetch(`${service.url}/sandbox/komoju/sessions/${sessionId}/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'number=4111111111111111&name=REN&expiry=01%2F31&cvc=999',
  });
  expect(paid.status).toBe(303); // the browser is "closed" here: no request to the return URL

  const order = await eventually(() => http('GET', `${service.url}/checkouts/wh-1`), (res) => res.json?.status === 'completed');
  expect(order.json.tickets).toHaveLength(1);
  const recorded = await eventually(() => inbox().find({ orderId: 'wh-1', type: 'payment.captured' }).toArray(), (docs) => docs.length === 1);
  expect(recorded[0].state).toBe('signalled');

  // KOMOJU delivers at least once: the same event again is a 200 duplicate.
  const again = await deliver(recorded[0].body, signKomoju(recorded[0].body, secret()));
  expect(again.status).toBe(200);
  expect(again.json).toMatchObject({ duplicate: true });
  // A late cancel for a completed order moves nothing back.
  const late = envelope('evt_late_cancel', 'payment.cancelled', 'wh-1', recorded[0].paymentId!);
  expect((await deliver(late, signKomoju(late, secret()), 'payment.cancelled')).status).toBe(200);
  expect((await http('GET', `${service.url}/checkouts/wh-1`)).json.status).toBe('completed');
  const mails = await eventually(() => service.smtp.list(), (list) => list.length >= 1);
  expect(mails.filter((m) => m.to.includes('ren@example.com'))).toHaveLength(1);
});

test('a capture for a checkout that already closed is not dropped: it starts a settlement under the same workflow id', async () => {
  const opened = await http('POST', `${service.url}/checkouts`, {
    orderId: 'wh-late',
    eventId: 'club',
    items: [{ ticketTypeId: 'floor', quantity: 1 }],
    customer: { email: 'sora@example.com', name: 'Sora', locale: 'en' },
    payment: { provider: 'komoju', method: 'credit_card' },
  });
  expect(opened.status).toBe(201);
  expect((await http('POST', `${service.url}/checkouts/wh-late/cancel`)).status).toBe(202);
  await eventually(() => http('GET', `${service.url}/checkouts/wh-late`), (res) => res.json?.status === 'cancelled');

  // KOMOJU knows no such payment, so the settlement finds nothing to settle and the order stays cancelled.
  const raw = envelope('evt_late_capture', 'payment.captured', 'wh-late', 'pay_unknown');
  expect((await deliver(raw, signKomoju(raw, secret()))).status).toBe(200);
  await eventually(() => inbox().findOne({ _id: 'komoju:evt_late_capture' }), (doc) => doc?.state !== 'recorded' && doc?.state !== 'delivering');
  const temporal = await connectTemporal(testServers().temporalAddress, 'default', service.codec);
  try {
    const handle = temporal.workflow.getHandle('checkout-wh-late');
    // The settlement run starts once the relay has delivered the event: await it, do not assume it.
    await eventually(() => handle.describe(), (run) => run.type === 'settleLatePayment');
    expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'nothing to settle' });
  } finally {
    await temporal.connection.close();
  }
  expect((await http('GET', `${service.url}/checkouts/wh-late`)).json.status).toBe('cancelled');
});

test("a callback naming the provider's reference finds its order, whether that is the order's own id or not", async () => {
  // Resurs books under the order id (read by key); a payment id chosen by Resurs is searched for.
  const orders = collections(mongo.db(service.config.mongo.db)).orders;
  await orders.insertMany([
    { _id: 'ref-own', payment: { reference: 'ref-own' } },
    { _id: 'ref-other', payment: { reference: 'RB-ref-991' } },
  ] as unknown as OrderDoc[]);
  const annulment = (paymentId: string) =>
    http('GET', `${service.url}/webhooks/resurs/ANNULMENT?${new URLSearchParams({ paymentId, digest: callbackDigest([paymentId, ''], service.config.resurs.callbackSalt) })}`);

  expect((await annulment('ref-own')).status).toBe(204);
  expect((await annulment('RB-ref-991')).status).toBe(204);
  expect((await annulment('RB-nobody')).status).toBe(410);
  expect(await inbox().findOne({ _id: 'resurs:ANNULMENT:ref-own' })).toMatchObject({ orderId: 'ref-own' });
  expect(await inbox().findOne({ _id: 'resurs:ANNULMENT:RB-ref-991' })).toMatchObject({ orderId: 'ref-other' });
  expect(await inbox().findOne({ _id: 'resurs:ANNULMENT:RB-nobody' })).toMatchObject({ state: 'unroutable' });
});
