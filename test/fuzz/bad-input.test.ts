/**
 * Bad input, 1,000 generated cases per endpoint family against one real service: shop and
 * operator bodies, KOMOJU webhooks and Resurs callbacks (unsigned, wrongly signed, signed but not
 * an event), the return and landing routes, path parameters and query strings. Every answer is a
 * 4xx in the contract's error shape with no stack trace and no secret; HTML answers carry the
 * security headers; and afterwards the database and the Temporal runs are exactly as before.
 */
import fc from 'fast-check';
import { apiDataKey, decodeApiData, encodeApiData, type ApiData } from '../../src/providers/resurs/api-data';
import { signKomoju } from '../../src/providers/komoju/signature';
import { callbackDigest } from '../../src/providers/resurs/digest';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { cardBody, resursBody } from '../support/shop';
import { broken, contentType, oddQuery, oddSegment, oddString, protoKey, rawJunk, withProtoKey, type Json } from './arbitraries';
import { ADMIN, badLogLines, problemWithHtml, FUZZ, http, openFuzzShop, problemWith, quietSnapshot, send, SHOP, snapshot, type Answer, type FuzzShop } from './fuzz-support';

let shop: FuzzShop;
let before: Record<string, unknown>;
let cardSecret: string;
let pages: string[];
const EVENT = { id: 'fz', title: 'Fuzz Hall', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1000, capacity: 10 }] };

beforeAll(async () => {
  shop = await openFuzzShop();
  const url = shop.service.url;
  expect((await http('POST', `${url}/events`, EVENT, ADMIN)).status).toBe(201);
  const card = await http('POST', `${url}/checkouts`, cardBody('fz-card', 'fz', 'seat'), SHOP);
  expect(card.status).toBe(201);
  cardSecret = card.json.clientSecret;
  const resurs = await http('POST', `${url}/checkouts`, resursBody('fz-resurs', 'fz', 'seat', RESURS_TEST_PERSONS.SIGNING.governmentId), SHOP);
  expect(resurs.status).toBe(201);
  const hosted = await http('POST', `${url}/checkouts`, resursBody('fz-hosted', 'fz', 'seat', RESURS_TEST_PERSONS.SIGNING.governmentId, 'hosted'), SHOP);
  expect(hosted.status).toBe(201);
  const rco = await http('POST', `${url}/checkouts/resurs/sessions`, { orderId: 'fz-rco', eventId: 'fz', items: [{ ticketTypeId: 'seat', quantity: 1 }], method: 'INVOICE' }, SHOP);
  expect(rco.status).toBe(201);
  // Every kind of HTML page the service serves (read at the end, after the snapshot compared).
  // The shop page (`/`) is served only without an API_TOKEN: test/storefront covers it (it uses the same headers).
  pages = [`/orders/fz-card?clientSecret=${cardSecret}`, `/orders/fz-card/panel?clientSecret=${cardSecret}`, '/orders/nobody', '/docs', card.json.redirectUrl, resurs.json.redirectUrl, '/sandbox/komoju/', '/sandbox/resurs/', '/sandbox/resurs/payments/fz-resurs', hosted.json.redirectUrl, rco.json.iframeUrl];
  // Both checkouts wait for their customer now: nothing moves unless someone sends something.
  before = await quietSnapshot(shop);
});
afterAll(() => shop?.stop());

/** Runs the property and fails with the seed, the counterexample and what was wrong with the answer. */
async function fuzz<T>(arbitrary: fc.Arbitrary<T>, request: (input: T) => Promise<{ answer: Answer; allowed?: number[]; json?: boolean }>) {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      const { answer, allowed, json } = await request(input);
      const problem = problemWith(answer, shop, { allowed, json });
      if (problem) throw new Error(problem);
    }),
    { ...FUZZ },
  );
}

const jsonBody = (body: Json, proto: string | null) => (proto ? withProtoKey(JSON.stringify(body), proto) : JSON.stringify(body));

/** A JSON endpoint's body: a broken valid one, raw junk, or sent as another content type. */
const badBody = (valid: Json) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ broken: broken(valid), proto: fc.option(protoKey), type: contentType }).map(({ broken: b, proto, type }) => ({ body: jsonBody(b.body, proto), type, how: b.how })) },
    { weight: 2, arbitrary: fc.record({ raw: rawJunk, type: contentType }).map(({ raw, type }) => ({ body: raw, type, how: 'raw bytes' })) },
    // The valid body itself, but not as JSON: the JSON parser never reads it.
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', '').map((type) => ({ body: JSON.stringify(valid), type, how: 'valid body, wrong type' })) },
  );

const headersFor = (type: string, auth: Record<string, string>) => ({ ...(type ? { 'content-type': type } : {}), ...auth });

test('POST /checkouts: 1,000 broken bodies, with and without the API key', async () => {
  const auth = fc.constantFrom(SHOP, SHOP, SHOP, {}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${SHOP.authorization}` });
  await fuzz(fc.tuple(badBody(cardBody('fz-new', 'fz', 'seat') as unknown as Json), auth), async ([bad, headers]) => ({
    answer: await send('POST', `${shop.service.url}/checkouts`, bad.body, headersFor(bad.type, headers)),
  }));
});

test('POST /events: 1,000 broken bodies, with and without the operator token', async () => {
  const auth = fc.constantFrom(ADMIN, ADMIN, ADMIN, {}, SHOP);
  await fuzz(fc.tuple(badBody({ ...EVENT, id: 'fz-new' } as unknown as Json), auth), async ([bad, headers]) => ({
    answer: await send('POST', `${shop.service.url}/events`, bad.body, headersFor(bad.type, headers)),
  }));
});

test('KOMOJU webhooks: 1,000 deliveries unsigned, wrongly signed, or signed but no event', async () => {
  const secret = shop.service.config.komoju.webhookSecret;
  const envelope = { id: 'evt_fz', type: 'payment.captured', resource: 'event', data: { id: 'pay_fz', status: 'captured', amount: 1000, currency: 'JPY', external_order_num: 'fz-card' } };
  const event = JSON.stringify(envelope);
  const unsigned = fc.record({
    body: fc.oneof(fc.constant(Buffer.from(event)), rawJunk, broken(envelope as unknown as Json).map((b) => Buffer.from(JSON.stringify(b.body)))),
    signature: fc.oneof(
      fc.constant(undefined),
      fc.stringMatching(/^[ -~]{0,80}$/), // what a header can carry
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.constant(signKomoju(event, 'another-secret')),
      fc.constant(signKomoju(`${event} `, secret)), // a signature for another body
      fc.constant(signKomoju(event.replace('pay_fz', 'pay_other'), secret)),
    ),
  });
  // Signed with the real secret, but no event: no object, or no usable event id.
  const notAnEvent = fc.oneof(
    rawJunk.filter((bytes) => bytes.length > 0 && bytes.length < 64 * 1024),
    fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => Buffer.from(JSON.stringify(v))),
    fc.constantFrom(null, 0, 17, '', [], {}, { a: 1 }).map((id) => Buffer.from(JSON.stringify({ ...envelope, id }))),
  );
  const delivery = fc.oneof(
    unsigned.map(({ body, signature }) => ({ body, signature })),
    notAnEvent.map((body) => ({ body, signature: signKomoju(body, secret) })),
  );
  const method = fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'GET', 'DELETE');
  const path = fc.constantFrom('/webhooks/komoju', '/webhooks/komoju', '/webhooks/komoju/extra', '/webhooks/KOMOJU', '/webhooks/__proto__', '/webhooks/constructor', '/webhooks/hasOwnProperty');
  await fuzz(fc.tuple(delivery, method, path, contentType), async ([{ body, signature }, m, p, type]) => ({
    answer: await send(m, `${shop.service.url}${p}`, body, { ...(type ? { 'content-type': type } : {}), ...(signature !== undefined ? { 'x-komoju-signature': signature } : {}), 'x-komoju-event': 'payment.captured' }),
  }));
  expect(await shop.mongo.db(shop.service.config.mongo.db).collection('webhook_inbox').countDocuments()).toBe(0);
});

test('Resurs callbacks: 1,000 with odd types, wrong digests, digests for another payment, GET and POST', async () => {
  const salt = shop.service.config.resurs.callbackSalt;
  const types = fc.oneof(fc.constantFrom('BOOKED', 'FINALIZATION', 'ANNULMENT', 'UNFREEZE', 'UPDATE', 'AUTOMATIC_FRAUD_CONTROL', 'TEST'), oddSegment);
  const callback = fc.record({ type: types, paymentId: fc.oneof(fc.constant('fz-resurs'), oddString), result: fc.oneof(fc.constantFrom('', 'FROZEN', 'THAWED'), oddString), other: oddString, trick: fc.nat(3), digest: fc.oneof(oddString, fc.stringMatching(/^[0-9A-F]{40}$/)) });
  await fuzz(fc.tuple(callback, fc.constantFrom('GET', 'POST'), oddQuery), async ([c, method, extra]) => {
    // A digest Resurs would have made for another payment, for another result, none, or a guess.
    const digest = [callbackDigest([`${c.paymentId}x${c.other}`, c.result], salt), callbackDigest([c.paymentId, `${c.result}x`], salt), '', c.digest][c.trick];
    const query = new URLSearchParams({ paymentId: c.paymentId, result: c.result, digest });
    const url = `${shop.service.url}/webhooks/resurs/${c.type}?${query}${extra.replace('?', '&')}`;
    return { answer: await send(method, url, method === 'POST' ? '' : undefined) };
  });
  // A valid digest without a payment id is refused too.
  const empty = await send('GET', `${shop.service.url}/webhooks/resurs/BOOKED?paymentId=&result=&digest=${callbackDigest(['', ''], salt)}`);
  expect(empty.status).toBe(400);
});

test('return and landing routes: 1,000 odd orders, landings and tampered apiData', async () => {
  const url = shop.service.url;
  const landing = fc.oneof(fc.constantFrom('return', 'resurs/success', 'resurs/fail', 'resurs/back', 'resurs', 'return/x'), oddSegment);
  const order = fc.oneof(fc.constantFrom('fz-card', 'fz-resurs'), oddSegment);
  // apiData as Resurs hands it back, tampered: signed for another order or landing, by another
  // key, one character changed; or no container at all.
  const key = apiDataKey(shop.service.config.resurs.password);
  const real = (over: Partial<ApiData>, signer = key) => encodeApiData({ checkoutType: 'simplified', paymentMethod: 'INVOICE', orderId: 'fz-resurs', preferredId: 'fz-resurs', isReturningCustomer: false, urlType: 'success', ...over }, signer);
  // Within the payload, short of its last character (whose low bits base64 decoding ignores).
  const flip = (text: string, at: number) => {
    const i = at % (text.indexOf('.') - 1);
    return `${text.slice(0, i)}${text[i] === 'A' ? 'B' : 'A'}${text.slice(i + 1)}`;
  };
  const tampered = fc.oneof(
    fc.constantFrom(real({ orderId: 'fz-card' }), real({}, 'another-key'), real({ urlType: 'back' }), real({ urlType: 'fail' }), real({ checkoutType: 'nope' as never })),
    fc.nat().map((at) => flip(real({}), at)),
  );
  const apiData = fc.oneof(oddString, tampered, fc.stringMatching(/^[A-Za-z0-9_-]{10,80}\.[A-Za-z0-9_-]{22}$/));
  await fuzz(fc.tuple(order, landing, oddQuery, apiData), async ([orderId, route, query, data]) => {
    // A genuine container only ever lands on another route than its own (that is the tampering).
    const genuine = decodeApiData(data, key);
    const where = genuine?.orderId === orderId && route === `resurs/${genuine.urlType}` ? (genuine.urlType === 'back' ? 'resurs/success' : 'resurs/back') : route;
    const q = where.startsWith('resurs/') ? `?apiData=${encodeURIComponent(data)}${query.replace('?', '&')}` : query;
    const answer = await send('GET', `${url}/checkouts/${orderId}/${where}${q}`);
    // KOMOJU's return never refuses a customer: it leads to the order page, without the secret.
    if (orderId === 'fz-card' && where === 'return') {
      if (answer.status === 303 && !answer.headers.get('location')!.endsWith('/orders/fz-card')) throw new Error(`return led to ${answer.headers.get('location')}`);
      return { answer, allowed: [303] };
    }
    return { answer };
  });
});

test('path parameters and queries of the order, event and admin routes: 1,000 odd ones', async () => {
  const url = shop.service.url;
  const guesses: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong' }, { 'x-client-secret': 'fz-card_secret_guess' }, { 'x-client-secret': cardSecret.slice(0, -1) }];
  const route = fc.constantFrom(
    (id: string) => ['GET', `/checkouts/${id}`],
    (id: string) => ['POST', `/checkouts/${id}/cancel`],
    (id: string) => ['POST', `/checkouts/${id}/resurs/rejections`],
    (id: string) => ['GET', `/events/${id}`],
    (id: string) => ['GET', `/admin/checkouts/${id}`],
    (id: string) => ['GET', `/orders/${id}`],
    (id: string) => ['GET', `/orders/${id}/panel`],
    (id: string) => ['GET', `/${id}/payment-methods`],
    (id: string) => ['GET', `/docs/assets/${id}`],
  );
  // The real orders' ids only with a wrong or no credential; an id nobody has with any.
  const caller = fc.oneof(
    fc.tuple(fc.constantFrom('fz-card', 'fz-resurs'), fc.constantFrom(...guesses)),
    fc.tuple(oddSegment, fc.constantFrom(...guesses, SHOP, ADMIN)),
  );
  await fuzz(fc.tuple(route, caller, oddQuery), async ([path, [orderId, headers], query]) => {
    const [method, where] = path(orderId);
    const answer = await send(method, `${url}${where}${query}`, method === 'POST' ? '{}' : undefined, { ...headers, 'content-type': 'application/json' });
    return { answer, json: !where.startsWith('/orders/') };
  });
});

test('operator actions: 1,000 broken bodies, unknown orders and actions, no or wrong token', async () => {
  const url = shop.service.url;
  const valid: Record<string, Json> = {
    cancel: { operator: 'ops', reason: 'fuzz' },
    refund: { operator: 'ops', reason: 'fuzz', bankReference: 'ref' },
    'resend-email': { operator: 'ops', reason: 'fuzz', kind: 'order_confirmation' },
    'mark-paid': { operator: 'ops', reason: 'fuzz', paymentReference: 'pay_x' },
    'extend-deadline': { operator: 'ops', reason: 'fuzz', until: '2030-01-01T00:00:00Z' },
    reconcile: { operator: 'ops', reason: 'fuzz' },
    'resolve-refund': { operator: 'ops', reason: 'fuzz' },
  };
  const action = fc.constantFrom(...Object.keys(valid));
  const request = fc.oneof(
    // A broken body for a real order.
    action.chain((name) => broken(valid[name]).map((b) => ({ name, orderId: 'fz-card', body: JSON.stringify(b.body), headers: ADMIN }))),
    // A well-formed body for an order nobody has, or an action nobody offers.
    fc.tuple(action, oddSegment).map(([name, orderId]) => ({ name, orderId, body: JSON.stringify(valid[name]), headers: ADMIN })),
    fc.tuple(oddSegment, action).map(([name, a]) => ({ name, orderId: 'fz-card', body: JSON.stringify(valid[a]), headers: ADMIN })),
    // A well-formed body for a real order, without the token or with another.
    fc.tuple(action, fc.constantFrom({}, SHOP, { authorization: 'Bearer fuzz-admin-key' })).map(([name, headers]) => ({ name, orderId: 'fz-card', body: JSON.stringify(valid[name]), headers })),
  );
  await fuzz(request, async (r) => ({ answer: await send('POST', `${url}/admin/checkouts/${r.orderId}/${r.name}`, r.body, { ...r.headers, 'content-type': 'application/json' }) }));
});

test('afterwards: nothing changed, nothing polluted, no secret or stack trace or failure in any log line', async () => {
  expect(await snapshot(shop)).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  // The webhook refusals were logged (so the check below read them), each without a trace or secret.
  expect(shop.lines.filter((line) => line.includes('webhook refused')).length).toBeGreaterThanOrEqual(1000);
  expect(badLogLines(shop)).toEqual([]);
});

test('every HTML page carries the security headers: a strict policy, nosniff, a referrer policy, framing rules', async () => {
  for (const page of pages) {
    const answer = await send('GET', page.startsWith('http') ? page : `${shop.service.url}${page}`);
    expect([page, answer.status, answer.headers.get('content-type')]).toEqual([page, page === '/orders/nobody' ? 404 : 200, expect.stringMatching(/^text\/html/)]);
    expect([page, problemWithHtml(answer)]).toEqual([page, null]);
    expect([page, answer.headers.get('content-security-policy')]).toEqual([page, expect.stringMatching(/frame-ancestors ('none'|'self'|https?:\/\/[^ ;]+)(;|$)/)]);
  }
});
