/**
 * The KOMOJU sandbox shares the shop's database; when that database goes away between taking a
 * payment and recording its webhook, the customer sees an error page and submits again. KOMOJU
 * never takes a payment without announcing it, so the repeat must finish the first one's work:
 * the payment exists and its webhook reaches the shop exactly once.
 */
import { Collection, MongoNetworkError } from 'mongodb';
import type { KomojuPayment } from '../../src/providers/komoju/types';
import { COLLECTIONS } from '../../src/sandbox/komoju';
import { form, GOOD_CARD, type Harness, pageOf, startHarness } from './komoju-sandbox-harness';
import { startRequest } from './komoju-wire';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ expirySweepMs: 0 });
});
afterAll(() => h?.close());
afterEach(() => jest.restoreAllMocks());

/** The next `method` call on the sandbox collection `name` fails as if the connection had closed. */
function failNext(method: 'insertOne' | 'updateOne', name: string): void {
  const original = Collection.prototype[method] as (...args: unknown[]) => Promise<unknown>;
  let failed = false;
  jest.spyOn(Collection.prototype, method).mockImplementation(function (this: Collection, ...args: unknown[]) {
    if (!failed && this.collectionName === name) {
      failed = true;
      return Promise.reject(new MongoNetworkError('connection 6 to 127.0.0.1:27017 closed'));
    }
    return original.apply(this, args);
  } as never);
}

const konbini = (orderId: string) => startRequest(orderId, { method: 'konbini', customer: { email: 'taro@example.com', name: 'Taro', locale: 'ja' } });

async function announced(paymentId: string): Promise<string[]> {
  await h.sandbox.drain();
  return h.received.filter((d) => d.event.data.id === paymentId).map((d) => d.event.type);
}

test('a slip whose webhook could not be recorded is announced once when the customer submits again', async () => {
  const started = await h.provider.start(konbini('order-announce-1'), 'create-order-announce-1');
  failNext('insertOne', COLLECTIONS.webhooks);
  expect((await fetch(`${pageOf(started)}/konbini`, form({ store: 'lawson' }))).status).toBe(500);
  const payment = (await h.client.getSession(started.reference)).payment as KomojuPayment;
  expect(payment.status).toBe('authorized');
  expect(await announced(payment.id)).toEqual([]);

  const again = await fetch(`${pageOf(started)}/konbini`, form({ store: 'lawson' }));
  expect(again.status).toBe(303);
  expect(again.headers.get('location')).toContain('/checkouts/order-announce-1/return');
  expect(await announced(payment.id)).toEqual(['payment.authorized']);
  // A third submit (the back button) changes nothing.
  expect((await fetch(`${pageOf(started)}/konbini`, form({ store: 'lawson' }))).status).toBe(303);
  expect(await announced(payment.id)).toEqual(['payment.authorized']);
});

test('a card payment whose record could not be written exists, and is announced once, after the repeat', async () => {
  const started = await h.provider.start(startRequest('order-announce-2'), 'create-order-announce-2');
  failNext('updateOne', COLLECTIONS.payments);
  expect((await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD))).status).toBe(500);
  const sessions = h.db.collection<{ _id: string; payment_id: string | null }>(COLLECTIONS.sessions);
  const paymentId = (await sessions.findOne({ _id: started.reference }))?.payment_id as string;
  expect(await h.db.collection(COLLECTIONS.payments).countDocuments({ _id: paymentId as never })).toBe(0);

  expect((await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD))).status).toBe(303);
  expect(await h.db.collection(COLLECTIONS.payments).countDocuments({ _id: paymentId as never })).toBe(1);
  expect(await announced(paymentId)).toEqual(['payment.captured']);
});

test('a double submit of a card payment that went through sends no second webhook', async () => {
  const started = await h.provider.start(startRequest('order-announce-3'), 'create-order-announce-3');
  expect((await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD))).status).toBe(303);
  expect((await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD))).status).toBe(303);
  const payment = (await h.client.getSession(started.reference)).payment as KomojuPayment;
  expect(await announced(payment.id)).toEqual(['payment.captured']);
});
