/**
 * Resurs Bank behind the provider seam, against the built-in sandbox over real HTTP: what each
 * booking becomes, a retried booking, the follow-up after signing, capture with its resync, the
 * inbound callbacks and landings, and registering the callback URLs.
 */
import { apiDataKey, decodeApiData } from '../../src/providers/resurs/api-data';
import { registerCallbacks } from '../../src/providers/resurs/callbacks';
import { callbackDigest } from '../../src/providers/resurs/digest';
import { resursInbound } from '../../src/providers/resurs/inbound';
import { createResursProvider, type ResursProvider } from '../../src/providers/resurs/provider';
import type { Delivery, StartRequest } from '../../src/providers/types';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { answerSigningPage, newOrderId, PASSWORD, SALT, startHarness, USERNAME, type Harness } from './resurs-harness';

const KEY = apiDataKey(PASSWORD);
let h: Harness;
let provider: ResursProvider;
beforeAll(async () => {
  h = await startHarness();
  provider = createResursProvider({ apiUrl: h.apiUrl, username: USERNAME, password: PASSWORD, callbackSalt: SALT, reviewTimeoutMs: 3_600_000, apiDataKey: KEY });
});
afterAll(() => h?.close());

function request(person: keyof typeof RESURS_TEST_PERSONS, flow: 'simplified' | 'hosted' = 'simplified'): StartRequest {
  const orderId = newOrderId('prov');
  return {
    orderId,
    amount: 3000,
    currency: 'SEK',
    method: 'INVOICE',
    flow,
    customer: { email: 'astrid@example.com', name: 'Astrid Lindqvist', locale: 'en', governmentId: RESURS_TEST_PERSONS[person].governmentId, phone: '0701234567', address: { addressRow1: 'Storgatan 1', postalCode: '25220', postalArea: 'Helsingborg', country: 'SE' } },
    items: [{ ticketTypeId: 'seat', quantity: 2, name: 'Seat', unitPrice: 1500 }],
    checkoutUrl: `https://shop.example/checkouts/${orderId}`,
    expiresInSeconds: 1800,
  };
}
const ref = (req: StartRequest) => ({ orderId: req.orderId, reference: req.orderId, currency: req.currency });

test('what each test person\'s booking becomes through the seam', async () => {
  const finalized = await provider.start(request('FINALIZED'), 'k');
  expect(finalized.decided).toMatchObject({ status: 'captured', amount: 3000, currency: 'SEK' });
  const booked = await provider.start(request('BOOKED'), 'k');
  expect(booked.decided).toMatchObject({ status: 'authorized', owner: { reference: booked.reference } });
  const frozen = await provider.start(request('FROZEN'), 'k');
  expect(frozen.decided).toMatchObject({ status: 'pending', pending: { kind: 'review', notice: 'payment_under_review', lapse: 'cancelled' } });
  const denied = await provider.start(request('DENIED'), 'k');
  expect(denied.decided).toMatchObject({ status: 'denied' });
  const signing = await provider.start(request('SIGNING'), 'k');
  expect(signing.decided).toBeUndefined();
  expect(signing.nextAction).toMatchObject({ type: 'redirect', url: expect.stringContaining('/sign/') });
  expect(signing.record).toMatchObject({ checkoutType: 'simplified', resursReference: signing.reference, paymentMethod: 'INVOICE' });
  expect(decodeApiData(signing.record!.orderSigningPayload, KEY)).toMatchObject({ orderId: signing.reference, urlType: 'success' });
});

test('a retried booking creates no second payment: the first is found by its id', async () => {
  const req = request('BOOKED');
  const first = await provider.start(req, 'k');
  const again = await provider.start(req, 'k');
  expect(again.reference).toBe(first.reference);
  expect(again.decided).toMatchObject({ status: 'authorized' });
  expect(await h.db.collection('sandbox_resurs_payments').countDocuments({ _id: req.orderId as never })).toBe(1);
});

test('after signing, bookSignedPayment decides; still awaiting the signature stays open; a failed signing is denied', async () => {
  const signed = request('SIGNING');
  const started = await provider.start(signed, 'k');
  expect((await provider.confirmSigned(ref(signed), 'k')).status).toBe('open'); // not signed yet
  await answerSigningPage((started.nextAction as { url: string }).url, 'sign');
  expect(await provider.confirmSigned(ref(signed), 'k')).toMatchObject({ status: 'authorized', amount: 3000 });

  const failed = request('SIGNING');
  const other = await provider.start(failed, 'k');
  await answerSigningPage((other.nextAction as { url: string }).url, 'fail');
  expect((await provider.confirmSigned(ref(failed), 'k')).status).toBe('denied');
});

test('capture finalizes and re-reads; void annuls; refund credits; each answered from getPayment', async () => {
  const req = request('BOOKED');
  await provider.start(req, 'k');
  expect(await provider.capture(ref(req), 3000, `${req.orderId}:capture`)).toMatchObject({ status: 'captured', amount: 3000 });
  expect((await provider.refund(ref(req), 3000, `${req.orderId}:refund`)).status).toBe('refunded');
  const annulled = request('BOOKED');
  await provider.start(annulled, 'k');
  expect((await provider.void(ref(annulled), `${annulled.orderId}:void`)).status).toBe('cancelled');
  // A payment Resurs does not know (yet): open through lookup, a refusal where money would move.
  expect((await provider.lookup({ orderId: 'x', reference: 'never-booked', currency: 'SEK' })).status).toBe('open');
  await expect(provider.capture({ orderId: 'x', reference: 'never-booked' }, 1, 'k')).rejects.toMatchObject({ retryable: false });
});

test('callbacks: digest checked (SHA1 or MD5, any case), one event id for POST and GET repeats, the right signal', () => {
  const inbound = resursInbound({ callbackSalt: SALT, apiDataKey: KEY });
  const delivery = (method: string, type: string, query: Record<string, string>): Delivery => ({ method, path: `/${type}`, query, header: () => undefined, rawBody: Buffer.alloc(0) });
  const digest = callbackDigest(['pay-1', ''], SALT);
  const post = inbound.receive(delivery('POST', 'BOOKED', { paymentId: 'pay-1', digest }));
  const get = inbound.receive(delivery('GET', 'BOOKED', { paymentId: 'pay-1', digest: digest.toLowerCase() }));
  expect(post).toEqual(get);
  expect(post).toMatchObject({ ok: true, event: { signal: 'authorized', reference: 'pay-1', orderId: null } });
  const md5 = callbackDigest(['pay-1', ''], SALT, 'md5');
  expect(inbound.receive(delivery('GET', 'ANNULMENT', { paymentId: 'pay-1', digest: md5 }))).toMatchObject({ ok: true, event: { signal: 'cancelled' } });
  const thawed = callbackDigest(['pay-1', 'THAWED'], SALT);
  expect(inbound.receive(delivery('GET', 'AUTOMATIC_FRAUD_CONTROL', { paymentId: 'pay-1', result: 'THAWED', digest: thawed }))).toMatchObject({ ok: true, event: { id: 'AUTOMATIC_FRAUD_CONTROL:pay-1:THAWED' } });
  expect(inbound.receive(delivery('GET', 'BOOKED', { paymentId: 'pay-2', digest }))).toMatchObject({ ok: false, status: 406 });
  expect(inbound.receive(delivery('GET', 'BOOKED', { paymentId: 'pay-1' }))).toMatchObject({ ok: false, status: 406 });
  expect(inbound.answer('unknown_order')).toEqual({ status: 410 });
  expect(inbound.answer('duplicate')).toEqual({ status: 204 });
});

test('npm run resurs:callbacks registers every type, and Resurs then calls those URLs with valid digests', async () => {
  const registered = await registerCallbacks(h.client, h.listenerUrl, SALT);
  expect(registered.map(([type]) => type).sort()).toEqual(['ANNULMENT', 'AUTOMATIC_FRAUD_CONTROL', 'BOOKED', 'FINALIZATION', 'TEST', 'UNFREEZE', 'UPDATE']);
  await h.reset();
  const req = request('BOOKED');
  await provider.start(req, 'k');
  await h.sandbox.drain();
  const booked = h.received.filter((r) => r.path === '/webhooks/resurs/BOOKED' && r.query.get('paymentId') === req.orderId);
  expect(booked.length).toBeGreaterThanOrEqual(1);
  const inbound = resursInbound({ callbackSalt: SALT, apiDataKey: KEY });
  for (const r of booked) {
    expect(inbound.receive({ method: r.method, path: '/BOOKED', query: Object.fromEntries(r.query), header: () => undefined, rawBody: Buffer.from(r.body) })).toMatchObject({ ok: true });
  }
});
