/**
 * Resurs Bank's simplified flow over HTTP, through the built-in sandbox's pages, with a real
 * SMTP listener: signing, a failed signing, a customer still signing, one who never comes back,
 * a denial, and what the callback and landing routes refuse.
 */
import type { MongoClient } from 'mongodb';
import { collections, connectMongo } from '../../src/db/mongo';
import { apiDataKey, encodeApiData } from '../../src/providers/resurs/api-data';
import { callbackDigest } from '../../src/providers/resurs/digest';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { connectTemporal } from '../../src/temporal/client';
import { testServers } from '../support/servers';
import { eventually, http, startService, type TestService } from '../support/service';
import { answerResursSigning, resursBody, resursPayment } from '../support/shop';

const { SIGNING, DENIED } = RESURS_TEST_PERSONS;
let service: TestService;
let mongo: MongoClient;
beforeAll(async () => {
  service = await startService();
  mongo = (await connectMongo(testServers().mongoUri, service.config.mongo.db)).client;
  await http('POST', `${service.url}/events`, { id: 'nordic', title: 'Nordic Nights', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1000, capacity: 10 }] });
});
afterAll(async () => {
  await mongo?.close();
  await service?.stop();
});

const checkout = async (orderId: string) => (await http('GET', `${service.url}/checkouts/${orderId}`)).json;
const seats = async () => (await http('GET', `${service.url}/events/nordic`)).json.ticketTypes[0];
const open = async (orderId: string, person: string) => {
  const res = await http('POST', `${service.url}/checkouts`, resursBody(orderId, 'nordic', 'seat', person));
  expect(res.status).toBe(201);
  return res.json;
};
const mailsTo = async (orderId: string) => (await service.smtp.list()).filter((m) => m.to.includes(`${orderId}@example.com`));

test('signing: the customer signs, comes back, the payment is booked, finalized and the order completed — one mail', async () => {
  const opened = await open('rs-sign', SIGNING.governmentId);
  expect(opened.nextAction).toEqual({ type: 'redirect', url: opened.redirectUrl });
  expect(opened.redirectUrl).toContain('/sandbox/resurs/sign/rs-sign');
  expect(await checkout('rs-sign')).toMatchObject({ status: 'pending', payment: { provider: 'resurs', reference: 'rs-sign', resurs: { checkoutType: 'simplified', resursReference: 'rs-sign', paymentMethod: 'INVOICE' } } });
  expect(await seats()).toMatchObject({ reserved: 1 });

  const landing = await answerResursSigning(opened.redirectUrl, 'sign');
  expect(landing).toContain(`/checkouts/rs-sign/resurs/success?apiData=`);
  const back = await http('GET', landing);
  expect(back.status).toBe(303);
  expect(back.headers.get('location')).toBe(`${service.url}/orders/rs-sign?clientSecret=${encodeURIComponent(opened.clientSecret)}`);

  const order = await eventually(() => checkout('rs-sign'), (o) => o.status === 'completed');
  expect(order.tickets).toHaveLength(1);
  expect((await resursPayment(service, 'rs-sign')).payment.status).toContain('IS_DEBITED');
  expect(await seats()).toMatchObject({ reserved: 0, sold: 1 });
  // BOOKED came as a POST and again as a GET: recorded once.
  const inbox = collections(mongo.db(service.config.mongo.db)).inbox;
  await eventually(() => inbox.countDocuments({ orderId: 'rs-sign', type: 'BOOKED' }), (n) => n === 1);
  const mails = await eventually(() => mailsTo('rs-sign'), (list) => list.length >= 1);
  expect(mails).toHaveLength(1);
  expect(mails[0].subject).toContain('Your tickets');
});

test('the signing fails: Resurs confirms no payment will come, the order is cancelled and the seat released', async () => {
  const opened = await open('rs-fail', SIGNING.governmentId);
  const landing = await answerResursSigning(opened.redirectUrl, 'fail');
  expect(landing).toContain('/checkouts/rs-fail/resurs/fail?apiData=');
  expect((await http('GET', landing)).status).toBe(303);
  const order = await eventually(() => checkout('rs-fail'), (o) => o.status === 'cancelled');
  expect(order.history.at(-1).reason).toContain('denied');
  expect(await seats()).toMatchObject({ reserved: 0 });
});

test('a fail link visited while the customer is still signing changes nothing; signing afterwards completes the order', async () => {
  const opened = await open('rs-still', SIGNING.governmentId);
  // The fail link as this order's booking carries it (a prefetcher, a stray click).
  const key = apiDataKey(service.config.resurs.password);
  const link = (orderId: string) =>
    `${service.url}/checkouts/rs-still/resurs/fail?apiData=${encodeApiData({ checkoutType: 'simplified', paymentMethod: 'INVOICE', orderId, preferredId: orderId, isReturningCustomer: false, urlType: 'fail' }, key)}`;
  expect((await http('GET', link('rs-still'))).status).toBe(303);
  // Resurs says the signature is still awaited: the checkout asked, and waits on.
  const inbox = collections(mongo.db(service.config.mongo.db)).inbox;
  await eventually(() => inbox.findOne({ _id: 'return:rs-still:signed:resurs/fail' }), (doc) => doc?.state === 'signalled');
  const temporal = await connectTemporal(testServers().temporalAddress, 'default', service.codec);
  try {
    await eventually(() => temporal.workflow.getHandle('checkout-rs-still').describe(), (run) => (run.raw.pendingActivities ?? []).length === 0 && !run.raw.pendingWorkflowTask);
  } finally {
    await temporal.connection.close();
  }
  expect((await checkout('rs-still')).status).toBe('pending');
  // Another order's apiData on this order's link is refused and changes nothing.
  const forged = await http('GET', link('rs-sign'));
  expect(forged.status).toBe(400);
  expect(forged.json.error.code).toBe('invalid_api_data');
  // The customer signs after all: the order completes.
  const signed = await answerResursSigning(opened.redirectUrl, 'sign');
  expect((await http('GET', signed)).status).toBe(303);
  await eventually(() => checkout('rs-still'), (o) => o.status === 'completed');
});

test('signed, but the browser was closed: the BOOKED callback alone completes the order', async () => {
  const opened = await open('rs-gone', SIGNING.governmentId);
  await answerResursSigning(opened.redirectUrl, 'sign'); // the landing is never visited
  const order = await eventually(() => checkout('rs-gone'), (o) => o.status === 'completed');
  expect(order.tickets).toHaveLength(1);
});

test('denied at once: the checkout opens with nothing to do and ends cancelled with the reason kept', async () => {
  const opened = await open('rs-denied', DENIED.governmentId);
  expect(opened.nextAction).toEqual({ type: 'none' });
  expect(opened.redirectUrl).toBeUndefined();
  const order = await eventually(() => checkout('rs-denied'), (o) => o.status === 'cancelled');
  expect(order.history.at(-1).reason).toContain('denied');
  expect(await mailsTo('rs-denied')).toHaveLength(0);
});

test('callbacks: a bad digest is 406 and recorded nowhere; an unknown payment is 410 and kept for operators', async () => {
  const inbox = collections(mongo.db(service.config.mongo.db)).inbox;
  const before = await inbox.countDocuments();
  const bad = await http('GET', `${service.url}/webhooks/resurs/ANNULMENT?paymentId=rs-sign&digest=0000000000000000000000000000000000000000`);
  expect(bad.status).toBe(406);
  expect(bad.json.error.code).toBe('invalid_digest');
  expect(await inbox.countDocuments()).toBe(before);
  const digest = callbackDigest(['no-such-payment', ''], service.config.resurs.callbackSalt);
  const unknown = await http('GET', `${service.url}/webhooks/resurs/ANNULMENT?paymentId=no-such-payment&digest=${digest}`);
  expect(unknown.status).toBe(410);
  expect(await inbox.findOne({ _id: 'resurs:ANNULMENT:no-such-payment' })).toMatchObject({ state: 'unroutable' });
  const unknownType = await http('GET', `${service.url}/webhooks/resurs/SOMETHING?paymentId=x&digest=${digest}`);
  expect(unknownType.status).toBe(404);
});

test('GET /resurs/payment-methods lists what the account offers; a provider without such a list is 404', async () => {
  const res = await http('GET', `${service.url}/resurs/payment-methods`);
  expect(res.status).toBe(200);
  expect(res.json.methods.map((m: { id: string }) => m.id).sort()).toEqual(['CARD', 'INVOICE', 'PARTPAYMENT']);
  expect((await http('GET', `${service.url}/komoju/payment-methods`)).status).toBe(404);
});

test('a Resurs Checkout purchase whose iframe session was never opened is refused, and its seat released', async () => {
  const before = await seats();
  const res = await http('POST', `${service.url}/checkouts`, { ...resursBody('rs-rco', 'nordic', 'seat', SIGNING.governmentId), payment: { provider: 'resurs', method: 'INVOICE', flow: 'rco' } });
  expect(res.status).toBe(502);
  expect(res.json.error.code).toBe('provider_error');
  await eventually(() => checkout('rs-rco'), (order) => order.status === 'cancelled');
  expect(await seats()).toEqual(before);
});
