/**
 * Resurs Checkout (RCO, the iframe) over HTTP: the session before the order, the checkout on
 * booking-order, rejections recorded on the order, and the purchase completed by the callbacks.
 * The browser's side (postMessage) is covered in test/browser; here the test makes the calls the
 * shop's page and the sandbox's iframe make.
 */
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody, purchaseInResursCheckout, rcoBody } from '../support/shop';

const { BOOKED, DENIED, FROZEN } = RESURS_TEST_PERSONS;
let service: TestService;
beforeAll(async () => {
  service = await startService();
  await http('POST', `${service.url}/events`, { id: 'rco-night', title: 'RCO Night', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1200, capacity: 10 }] });
});
afterAll(() => service?.stop());

const checkout = async (orderId: string) => (await http('GET', `${service.url}/checkouts/${orderId}`)).json;
const seats = async () => (await http('GET', `${service.url}/events/rco-night`)).json.ticketTypes[0];
const openSession = (orderId: string, quantity = 1) => http('POST', `${service.url}/checkouts/resurs/sessions`, { orderId, eventId: 'rco-night', items: [{ ticketTypeId: 'seat', quantity }], method: 'INVOICE' });
const reject = (orderId: string, secret: string, kind: string, message: string) =>
  http('POST', `${service.url}/checkouts/${orderId}/resurs/rejections`, { kind, message }, { 'x-client-secret': secret });

test('a denial and a failure are recorded on the order, then a success in the same iframe completes it with the rows kept', async () => {
  const session = await openSession('rco-1');
  expect(session.status).toBe(201);
  expect(session.json).toMatchObject({ orderId: 'rco-1', amount: 1200, reference: 'rco-1', origin: new URL(service.url).origin });
  // No seat is held while the customer only fills in the iframe.
  expect(await seats()).toMatchObject({ reserved: 0 });
  const page = await http('GET', session.json.iframeUrl);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain(`frame-ancestors ${new URL(service.url).origin}`);
  expect(page.text).toContain('id="test-outcome"');

  // checkout:booking-order → the page creates the checkout.
  const opened = await http('POST', `${service.url}/checkouts`, rcoBody('rco-1', 'rco-night', 'seat'));
  expect(opened.status).toBe(201);
  expect(opened.json).toMatchObject({ status: 'pending', nextAction: { type: 'embed', sessionId: 'rco-1' } });
  expect(await seats()).toMatchObject({ reserved: 1 });

  expect(await purchaseInResursCheckout(session.json.iframeUrl, DENIED.governmentId)).toMatchObject({ result: 'denied' });
  const denied = await reject('rco-1', opened.json.clientSecret, 'deny', 'Your purchase was not approved.');
  expect(denied.status).toBe(201);
  expect(denied.json).toMatchObject({ rco_rejected_once: true, rco_reject_message: 'Your purchase was not approved.' });
  expect(denied.json.rco_rejected).toEqual([expect.stringMatching(/^deny \(\d{4}-\d\d-\d\dT/)]);

  expect(await purchaseInResursCheckout(session.json.iframeUrl, BOOKED.governmentId, 'fail')).toMatchObject({ result: 'failed' });
  // The customer presses "buy" again: the same body joins the same checkout.
  expect((await http('POST', `${service.url}/checkouts`, rcoBody('rco-1', 'rco-night', 'seat'))).status).toBe(200);
  expect((await reject('rco-1', opened.json.clientSecret, 'fail', 'The payment did not go through.')).status).toBe(201);
  // Still pending and holding its seat: a rejection does not fail the order.
  expect(await checkout('rco-1')).toMatchObject({ status: 'pending' });

  const booked = await purchaseInResursCheckout(session.json.iframeUrl, BOOKED.governmentId);
  expect(booked.result).toBe('booked');
  expect(booked.redirect).toContain('/checkouts/rco-1/resurs/success?apiData=');
  const landing = await http('GET', booked.redirect!);
  expect(landing.status).toBe(303);
  expect(landing.headers.get('location')).toBe(`${service.url}/orders/rco-1?clientSecret=${encodeURIComponent(opened.json.clientSecret)}`);

  const order = await eventually(() => checkout('rco-1'), (o) => o.status === 'completed');
  expect(order.tickets).toHaveLength(1);
  expect(order.payment.resurs).toMatchObject({ checkoutType: 'rco', resursReference: 'rco-1', rco_rejected_once: true, rco_reject_message: 'The payment did not go through.' });
  expect(order.payment.resurs.rco_rejected).toEqual([expect.stringMatching(/^deny \(/), expect.stringMatching(/^fail \(/)]);
  // The customer's own view shows them too.
  const mine = await http('GET', `${service.url}/checkouts/rco-1`, undefined, { 'x-client-secret': opened.json.clientSecret });
  expect(mine.json.payment.resurs.rco_rejected).toHaveLength(2);
  expect(await seats()).toMatchObject({ reserved: 0, sold: 1 });
  // Once completed, no more rejections are taken.
  expect((await reject('rco-1', opened.json.clientSecret, 'deny', 'late')).status).toBe(409);
});

test('a frozen purchase waits under review like the other flows', async () => {
  const session = await openSession('rco-frozen');
  await http('POST', `${service.url}/checkouts`, rcoBody('rco-frozen', 'rco-night', 'seat'));
  expect(await purchaseInResursCheckout(session.json.iframeUrl, FROZEN.governmentId)).toMatchObject({ result: 'booked' });
  const order = await eventually(() => checkout('rco-frozen'), (o) => o.status === 'awaiting_payment');
  expect(order.payment.pending).toMatchObject({ kind: 'review' });
});

test('the cart Resurs books is the order\'s: the checkout syncs it when the customer presses buy', async () => {
  // The page opened the iframe for one seat, then the customer's order asks for two.
  const session = await openSession('rco-cart', 1);
  expect(session.json.amount).toBe(1200);
  const opened = await http('POST', `${service.url}/checkouts`, rcoBody('rco-cart', 'rco-night', 'seat', 2));
  expect(opened.status).toBe(201);
  expect(await purchaseInResursCheckout(session.json.iframeUrl, BOOKED.governmentId)).toMatchObject({ result: 'booked' });
  const order = await eventually(() => checkout('rco-cart'), (o) => o.status === 'completed');
  expect(order.amount).toBe(2400);
  expect(order.tickets).toHaveLength(2);
});

test('what the RCO routes refuse, changing nothing', async () => {
  // Resurs Checkout references take letters, digits and '-' only.
  expect(await openSession('rco_underscore')).toMatchObject({ status: 400, json: { error: { code: 'invalid_request' } } });
  expect((await http('POST', `${service.url}/checkouts/resurs/sessions`, { orderId: 'rco-x', eventId: 'nope', items: [{ ticketTypeId: 'seat', quantity: 1 }], method: 'INVOICE' })).status).toBe(404);
  // A running checkout's iframe is not replaced.
  await openSession('rco-twice');
  expect((await http('POST', `${service.url}/checkouts`, rcoBody('rco-twice', 'rco-night', 'seat'))).status).toBe(201);
  expect(await openSession('rco-twice')).toMatchObject({ status: 409, json: { error: { code: 'checkout_exists' } } });
  const secret = (await http('POST', `${service.url}/checkouts`, rcoBody('rco-twice', 'rco-night', 'seat'))).json.clientSecret;
  // Rejections: the kind is fail|deny, with a message, and only for RCO orders.
  expect((await reject('rco-twice', secret, 'refund', 'x')).status).toBe(400);
  expect((await reject('rco-twice', secret, 'deny', '')).status).toBe(400);
  const card = await http('POST', `${service.url}/checkouts`, cardBody('rco-card', 'rco-night', 'seat'));
  expect((await reject('rco-card', card.json.clientSecret, 'deny', 'x')).status).toBe(409);
  expect((await checkout('rco-twice')).payment.resurs.rco_rejected).toBeUndefined();
});

test('with an API token, a rejection needs the order\'s own client secret', async () => {
  const guarded = await startService({ API_TOKEN: 'shop-key-0123456789abcdef', ADMIN_TOKEN: 'admin-key-0123456789abcdef' });
  try {
    const shop = { authorization: 'Bearer shop-key-0123456789abcdef' };
    const admin = { authorization: 'Bearer admin-key-0123456789abcdef' };
    await http('POST', `${guarded.url}/events`, { id: 'rco-night', title: 'RCO Night', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1200, capacity: 10 }] }, admin);
    expect((await http('POST', `${guarded.url}/checkouts/resurs/sessions`, { orderId: 'rco-g', eventId: 'rco-night', items: [{ ticketTypeId: 'seat', quantity: 1 }], method: 'INVOICE' })).status).toBe(401);
    expect((await http('POST', `${guarded.url}/checkouts/resurs/sessions`, { orderId: 'rco-g', eventId: 'rco-night', items: [{ ticketTypeId: 'seat', quantity: 1 }], method: 'INVOICE' }, shop)).status).toBe(201);
    const opened = await http('POST', `${guarded.url}/checkouts`, rcoBody('rco-g', 'rco-night', 'seat'), shop);
    const rejectAt = (headers: Record<string, string>) => http('POST', `${guarded.url}/checkouts/rco-g/resurs/rejections`, { kind: 'deny', message: 'x' }, headers);
    expect((await rejectAt({})).status).toBe(401);
    expect((await rejectAt({ 'x-client-secret': 'rco-g_secret_wrong' })).status).toBe(404);
    expect((await rejectAt({ 'x-client-secret': opened.json.clientSecret })).status).toBe(201);
    // Operators see the rows in their list too.
    const listed = await http('GET', `${guarded.url}/admin/checkouts?status=pending`, undefined, admin);
    expect(listed.json.checkouts.find((c: { orderId: string }) => c.orderId === 'rco-g').payment.resurs).toMatchObject({ rco_rejected_once: true, rco_rejected: [expect.stringMatching(/^deny \(/)], rco_reject_message: 'x' });
  } finally {
    await guarded.stop();
  }
});
