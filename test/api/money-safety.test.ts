/**
 * Money safety on the KOMOJU path, over HTTP on real servers: a payment completes only its own
 * order; a provider refusal never wedges a checkout; repeated deliveries and visits do not grow
 * the workflow's history.
 */
import type { MongoClient } from 'mongodb';
import { collections, connectMongo } from '../../src/db/mongo';
import { checkoutWorkflowId } from '../../src/temporal/messages';
import { connectTemporal } from '../../src/temporal/client';
import { testServers } from '../support/servers';
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody, deliverKomojuEvent, komojuSession, payByCard, takeKonbiniSlip } from '../support/shop';

let service: TestService;
let mongo: MongoClient;
beforeAll(async () => {
  service = await startService();
  mongo = (await connectMongo(testServers().mongoUri, service.config.mongo.db)).client;
  await http('POST', `${service.url}/events`, { id: 'arena', title: 'Arena', currency: 'JPY', ticketTypes: [{ id: 'floor', name: 'Floor', price: 5000, capacity: 10 }] });
});
afterAll(async () => {
  await mongo?.close();
  await service?.stop();
});

const inbox = () => collections(mongo.db(service.config.mongo.db)).inbox;
const checkout = async (orderId: string) => (await http('GET', `${service.url}/checkouts/${orderId}`)).json;
const seats = async () => (await http('GET', `${service.url}/events/arena`)).json.ticketTypes[0];
const open = async (orderId: string, method: 'credit_card' | 'konbini' = 'credit_card') => {
  const res = await http('POST', `${service.url}/checkouts`, cardBody(orderId, 'arena', 'floor', method));
  expect(res.status).toBe(201);
  return res.json as { redirectUrl: string; clientSecret: string };
};
const settled = (id: string) => eventually(() => inbox().findOne({ _id: id }), (doc) => !!doc && doc.state !== 'recorded' && doc.state !== 'delivering');
/** The checkout marks what it could not use, after the relay signalled it. */
const marked = (id: string, state: string) => eventually(() => inbox().findOne({ _id: id }), (doc) => doc?.state === state);

test('one real payment completes only its own order: an event naming order B with order A\'s payment changes nothing on B', async () => {
  const a = await open('ms-a');
  const b = await open('ms-b');
  expect((await payByCard(a.redirectUrl)).status).toBe(303);
  await eventually(() => checkout('ms-a'), (order) => order.status === 'completed');
  const paymentOfA = (await komojuSession(service, a.redirectUrl.split('/').pop()!)).payment;

  // Signed with the real secret, naming B, carrying A's payment (same amount and currency).
  const forged = await deliverKomojuEvent(service, 'evt_forged_b', 'payment.captured', { ...paymentOfA, external_order_num: 'ms-b' });
  expect(forged.status).toBe(200);
  const noted = await marked('komoju:evt_forged_b', 'mismatched');
  expect(noted).toMatchObject({ orderId: 'ms-b', paymentId: paymentOfA.id });
  expect(noted!.note).toContain('ms-a');
  expect(await checkout('ms-b')).toMatchObject({ status: 'pending', payment: { status: 'open' } });
  expect(await seats()).toMatchObject({ sold: 1, reserved: 1 });

  // B's customer can still pay for B, and B completes with its own payment.
  expect((await payByCard(b.redirectUrl)).status).toBe(303);
  await eventually(() => checkout('ms-b'), (order) => order.status === 'completed');
  expect(await seats()).toMatchObject({ sold: 2, reserved: 0 });
});

test('a payment id KOMOJU does not know never wedges a checkout: noted, still cancellable, seats released', async () => {
  await open('ms-unknown');
  const res = await deliverKomojuEvent(service, 'evt_unknown_payment', 'payment.captured', { id: 'pay_does_not_exist', status: 'captured', amount: 5000, currency: 'JPY', external_order_num: 'ms-unknown' });
  expect(res.status).toBe(200);
  const noted = await marked('komoju:evt_unknown_payment', 'refused');
  expect(noted!.note).toContain('404');
  const order = await checkout('ms-unknown');
  expect(order).toMatchObject({ status: 'pending', payment: { lastRefusal: { message: expect.stringContaining('404') } } });

  expect((await http('POST', `${service.url}/checkouts/ms-unknown/cancel`)).status).toBe(202);
  await eventually(() => checkout('ms-unknown'), (o) => o.status === 'cancelled');
  expect(await seats()).toMatchObject({ reserved: 0 });
  const temporal = await connectTemporal(testServers().temporalAddress, 'default', service.codec);
  try {
    // The run ends (after its last mails) as Completed: a refusal never fails the execution.
    const run = await eventually(() => temporal.workflow.getHandle(checkoutWorkflowId('ms-unknown')).describe(), (r) => r.status.name !== 'RUNNING');
    expect(run.status.name).toBe('COMPLETED');
  } finally {
    await temporal.connection.close();
  }
});

test('2,000 duplicate deliveries and 200 return visits to a waiting konbini checkout add nothing to its history', async () => {
  const { redirectUrl } = await open('ms-storm', 'konbini');
  const back = await takeKonbiniSlip(redirectUrl);
  expect((await http('GET', back)).status).toBe(303);
  await eventually(() => checkout('ms-storm'), (order) => order.status === 'awaiting_payment');
  const session = await komojuSession(service, redirectUrl.split('/').pop()!);
  const temporal = await connectTemporal(testServers().temporalAddress, 'default', service.codec);
  try {
    const handle = temporal.workflow.getHandle(checkoutWorkflowId('ms-storm'));
    // The first delivery of the slip's event is new to the workflow; let it settle.
    const first = await deliverKomojuEvent(service, 'evt_storm_auth', 'payment.authorized', session.payment);
    expect(first.json).toEqual({ received: true, duplicate: false });
    await settled('komoju:evt_storm_auth');
    const before = await eventually(() => handle.describe(), (run) => (run.raw.pendingActivities ?? []).length === 0 && !run.raw.pendingWorkflowTask);
    const recorded = await inbox().countDocuments({ orderId: 'ms-storm' });

    for (let batch = 0; batch < 100; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => deliverKomojuEvent(service, 'evt_storm_auth', 'payment.authorized', session.payment)));
      for (const answer of answers) expect(answer.json).toEqual({ received: true, duplicate: true });
    }
    for (let visit = 0; visit < 200; visit++) expect((await http('GET', back)).status).toBe(303);

    const after = await handle.describe();
    expect(after.historyLength).toBe(before.historyLength);
    expect(await inbox().countDocuments({ orderId: 'ms-storm' })).toBe(recorded);

    // The checkout is still alive and well: paying at the store completes it.
    expect((await http('POST', `${service.url}/sandbox/komoju/payments/${session.payment.id}/pay-at-store`, {})).status).toBe(200);
    await eventually(() => checkout('ms-storm'), (order) => order.status === 'completed');
  } finally {
    await temporal.connection.close();
  }
}, 300_000);
