/**
 * Fault families 1 and 2 on the real service: providers deliver at least once and in any order.
 * The same KOMOJU event five times at once, and again after its checkout closed; events that
 * arrive after the capture (expired, cancelled) and the customer's return after the webhook;
 * Resurs' BOOKED callback as POST and GET, many times, and an ANNULMENT after the FINALIZATION.
 * Each has one effect: one inbox record, one signal, one completion, one mail, one run.
 */
import type { Client } from '@temporalio/client';
import type { MongoClient } from 'mongodb';
import { collections, connectMongo } from '../../src/db/mongo';
import { signKomoju } from '../../src/providers/komoju/signature';
import { callbackDigest } from '../../src/providers/resurs/digest';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { connectTemporal } from '../../src/temporal/client';
import { testServers } from '../support/servers';
import { eventually, http, startService, type TestService } from '../support/service';
import { answerResursSigning, cardBody, payByCard, resursBody } from '../support/shop';

let service: TestService;
let mongo: MongoClient;
let temporal: Client;
beforeAll(async () => {
  service = await startService();
  mongo = (await connectMongo(testServers().mongoUri, service.config.mongo.db)).client;
  temporal = await connectTemporal(testServers().temporalAddress, service.config.temporal.namespace, service.codec);
  await http('POST', `${service.url}/events`, { id: 'rel', title: 'Reliability Hall', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1000, capacity: 20 }] });
});
afterAll(async () => {
  await temporal?.connection.close();
  await mongo?.close();
  await service?.stop();
});

const inbox = () => collections(mongo.db(service.config.mongo.db)).inbox;
const order = async (orderId: string) => (await http('GET', `${service.url}/checkouts/${orderId}`)).json;
const seats = async () => (await http('GET', `${service.url}/events/rel`)).json.ticketTypes[0];
const mailsTo = async (orderId: string) => (await service.smtp.list()).filter((m) => m.to.includes(`${orderId}@example.com`));

/** Every run under the order's workflow id, and how many signals the first one received. */
async function runsOf(orderId: string) {
  const runs = [];
  for await (const run of temporal.workflow.list({ query: `WorkflowId = "checkout-${orderId}"` })) runs.push(run);
  return runs;
}
async function signalsTo(orderId: string): Promise<number> {
  const history = await temporal.workflow.getHandle(`checkout-${orderId}`).fetchHistory();
  return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
}

function deliverKomoju(raw: string) {
  const { type, id } = JSON.parse(raw) as { type: string; id: string };
  return http('POST', `${service.url}/webhooks/komoju`, raw, { 'x-komoju-signature': signKomoju(raw, service.config.komoju.webhookSecret), 'x-komoju-event': type, 'x-komoju-id': id });
}

/** A card checkout paid at KOMOJU whose own webhook was lost: the test holds the one event that says so. */
async function paidWithHeldWebhook(orderId: string) {
  const opened = await http('POST', `${service.url}/checkouts`, cardBody(orderId, 'rel', 'seat'));
  expect(opened.status).toBe(201);
  expect((await http('POST', `${service.url}/sandbox/komoju/webhooks/drop-next`, { count: 1 })).status).toBe(200);
  expect((await payByCard(opened.json.redirectUrl)).status).toBe(303); // no return visit: the webhook alone tells
  type Delivery = { id: string; status: string; event: { data: { external_order_num: string } } };
  // The sandbox records its event after answering the payment: await it.
  const deliveries = () => http('GET', `${service.url}/sandbox/komoju/webhooks?type=payment.captured&limit=500`).then((res) => res.json.data as Delivery[]);
  const held = (await eventually(async () => (await deliveries()).find((d) => d.event.data.external_order_num === orderId), Boolean))!;
  expect(held.status).toBe('dropped');
  return { opened: opened.json, raw: JSON.stringify(held.event), eventId: held.id, sessionId: String(opened.json.redirectUrl).split('/').pop()! };
}

test('the same KOMOJU event 5× at once, and 5× again after the checkout closed: one record, one signal, one completion, one mail', async () => {
  const sold = (await seats()).sold;
  const { raw, eventId } = await paidWithHeldWebhook('rel-dup');

  const first = await Promise.all(Array.from({ length: 5 }, () => deliverKomoju(raw)));
  expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  expect(first.filter((r) => r.json.duplicate === false)).toHaveLength(1);
  expect(await inbox().countDocuments({ _id: `komoju:${eventId}` })).toBe(1);

  const result = await temporal.workflow.getHandle('checkout-rel-dup').result();
  expect(result).toEqual({ status: 'completed', reason: 'paid' });
  expect(await signalsTo('rel-dup')).toBe(1);
  expect((await eventually(() => mailsTo('rel-dup'), (list) => list.length >= 1)).map((m) => m.subject)).toHaveLength(1);

  // KOMOJU retries later (an hour, a day: this server cannot skip time, so: once the run is closed).
  const later = await Promise.all(Array.from({ length: 5 }, () => deliverKomoju(raw)));
  expect(later.map((r) => [r.status, r.json.duplicate])).toEqual(Array.from({ length: 5 }, () => [200, true]));
  expect(await inbox().countDocuments({ _id: `komoju:${eventId}` })).toBe(1);
  expect(await runsOf('rel-dup')).toHaveLength(1);
  expect(await mailsTo('rel-dup')).toHaveLength(1);
  expect(await seats()).toMatchObject({ sold: sold + 1 });
  expect(await order('rel-dup')).toMatchObject({ status: 'completed' });
});

test('after the capture: expired, cancelled, captured again, the customer\'s late return, each once and again, change nothing', async () => {
  const { raw, sessionId, opened } = await paidWithHeldWebhook('rel-late');
  expect((await deliverKomoju(raw)).status).toBe(200);
  await temporal.workflow.getHandle('checkout-rel-late').result();
  await eventually(() => mailsTo('rel-late'), (list) => list.length === 1);
  const sold = (await seats()).sold;
  const captured = JSON.parse(raw) as { data: Record<string, unknown> };

  // A second capture event (KOMOJU re-sending under a new event id) has nothing to settle either.
  const notes: Record<string, string> = { 'payment.expired': 'checkout already closed', 'payment.cancelled': 'checkout already closed', 'payment.captured': 'order already paid' };
  for (const type of Object.keys(notes)) {
    const late = JSON.stringify({ id: `evt_${type}_rel-late`, type, resource: 'event', created_at: new Date().toISOString(), reason: null, data: { ...captured.data, status: type.split('.')[1] } });
    for (let i = 0; i < 3; i++) expect((await deliverKomoju(late)).status).toBe(200);
    // The relay reaches the closed checkout and leaves the event for operators: nothing to act on.
    const doc = await eventually(() => inbox().findOne({ _id: `komoju:evt_${type}_rel-late` }), (d) => d?.state === 'unroutable');
    expect(doc?.note).toBe(notes[type]);
  }
  // The webhook came first; the customer's browser arrives afterwards, twice (a reload).
  for (let i = 0; i < 2; i++) {
    const back = await fetch(`${service.url}/checkouts/rel-late/return?session_id=${sessionId}`, { redirect: 'manual' });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toContain(`/orders/rel-late?clientSecret=${encodeURIComponent(opened.clientSecret)}`);
  }
  expect(await order('rel-late')).toMatchObject({ status: 'completed' });
  expect(await runsOf('rel-late')).toHaveLength(1);
  expect(await signalsTo('rel-late')).toBe(1);
  expect(await mailsTo('rel-late')).toHaveLength(1);
  expect(await seats()).toMatchObject({ sold });
});

test('Resurs BOOKED as POST and GET, 20 times each, and an ANNULMENT after the FINALIZATION: one record each, still completed, one mail', async () => {
  const opened = await http('POST', `${service.url}/checkouts`, resursBody('rel-rs', 'rel', 'seat', RESURS_TEST_PERSONS.SIGNING.governmentId));
  expect(opened.status).toBe(201);
  await answerResursSigning(opened.json.redirectUrl, 'sign'); // never back at the shop: callbacks tell
  await temporal.workflow.getHandle('checkout-rel-rs').result();
  expect(await order('rel-rs')).toMatchObject({ status: 'completed' });
  // Resurs' own callbacks, before or after the run ended, are relayed or left: never a new run.
  const settled = () => inbox().countDocuments({ orderId: 'rel-rs', state: { $in: ['recorded', 'delivering'] } });
  await eventually(settled, (n) => n === 0);
  const booked = await eventually(() => inbox().find({ _id: { $regex: /^resurs:BOOKED:rel-rs/ } }).toArray(), (docs) => docs.length === 1);
  const result = booked[0].type.split(':')[1] ?? '';
  const sold = (await seats()).sold;
  const mails = (await eventually(() => mailsTo('rel-rs'), (list) => list.length >= 1)).length;

  const callback = (type: string, result = '') => {
    const query = new URLSearchParams({ paymentId: 'rel-rs', ...(result ? { result } : {}), digest: callbackDigest(['rel-rs', result], service.config.resurs.callbackSalt) });
    return `${service.url}/webhooks/resurs/${type}?${query}`;
  };
  for (let round = 0; round < 20; round++) {
    const answers = await Promise.all([http('POST', callback('BOOKED', result), ''), http('GET', callback('BOOKED', result))]);
    expect(answers.map((a) => a.status)).toEqual([204, 204]);
  }
  expect(await inbox().countDocuments({ _id: { $regex: /^resurs:BOOKED:rel-rs/ } })).toBe(1);

  // Resurs annuls only what is not finalized; were an ANNULMENT to arrive anyway, it is noted, not obeyed.
  for (const method of ['POST', 'GET', 'POST']) expect((await http(method, callback('ANNULMENT'), method === 'POST' ? '' : undefined)).status).toBe(204);
  const annulment = await eventually(() => inbox().findOne({ _id: 'resurs:ANNULMENT:rel-rs' }), (d) => d?.state === 'unroutable');
  expect(annulment?.note).toBe('checkout already closed');
  expect(await inbox().countDocuments({ _id: { $regex: /^resurs:ANNULMENT:rel-rs/ } })).toBe(1);

  await eventually(settled, (n) => n === 0);
  expect(await order('rel-rs')).toMatchObject({ status: 'completed' });
  expect(await runsOf('rel-rs')).toHaveLength(1);
  expect(await mailsTo('rel-rs')).toHaveLength(mails);
  expect((await mailsTo('rel-rs')).filter((m) => m.subject.includes('tickets'))).toHaveLength(1);
  expect(await seats()).toMatchObject({ sold });
});
