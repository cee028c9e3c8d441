/**
 * Resurs Bank after the booking, over HTTP through the built-in sandbox: a fraud review thawed,
 * annulled, or left undecided past RESURS_REVIEW_TIMEOUT; the hosted flow completed by callbacks
 * alone; repeated and late callbacks.
 */
import { registerCallbacks } from '../../src/providers/resurs/callbacks';
import { ResursClient } from '../../src/providers/resurs/client';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { eventually, http, startService } from '../support/service';
import { answerResursSigning, resursBody, resursPayment } from '../support/shop';

const { FROZEN, BOOKED, SIGNING } = RESURS_TEST_PERSONS;
const json = { accept: 'application/json' };

async function openShop(env: Record<string, string> = {}) {
  const service = await startService(env);
  await http('POST', `${service.url}/events`, { id: 'fjord', title: 'Fjord Festival', currency: 'JPY', ticketTypes: [{ id: 'day', name: 'Day', price: 2000, capacity: 10 }] });
  const checkout = async (orderId: string) => (await http('GET', `${service.url}/checkouts/${orderId}`)).json;
  const open = async (orderId: string, person: string, flow: 'simplified' | 'hosted' = 'simplified') => {
    const res = await http('POST', `${service.url}/checkouts`, resursBody(orderId, 'fjord', 'day', person, flow));
    expect(res.status).toBe(201);
    return res.json;
  };
  const operator = (paymentId: string, action: 'thaw' | 'unfreeze' | 'annul' | 'resend-callbacks') => http('POST', `${service.url}/sandbox/resurs/payments/${paymentId}/${action}`, {}, json);
  const mails = async (orderId: string) => (await service.smtp.list()).filter((m) => m.to.includes(`${orderId}@example.com`)).map((m) => m.subject);
  const seats = async () => (await http('GET', `${service.url}/events/fjord`)).json.ticketTypes[0];
  return { service, checkout, open, operator, mails, seats };
}

describe('with the default review timeout', () => {
  let shop: Awaited<ReturnType<typeof openShop>>;
  beforeAll(async () => {
    shop = await openShop();
  });
  afterAll(() => shop?.service.stop());

  test('frozen for review: awaiting_payment with a review mail; thawed: finalized, completed, tickets mailed', async () => {
    const opened = await shop.open('rv-thaw', FROZEN.governmentId);
    expect(opened.nextAction).toEqual({ type: 'none' });
    const waiting = await eventually(() => shop.checkout('rv-thaw'), (o) => o.status === 'awaiting_payment');
    expect(waiting).toMatchObject({ statusCode: 5, payment: { status: 'pending', pending: { kind: 'review' } } });
    await eventually(() => shop.mails('rv-thaw'), (list) => list.length === 1);
    expect((await shop.operator('rv-thaw', 'thaw')).status).toBe(200);
    const done = await eventually(() => shop.checkout('rv-thaw'), (o) => o.status === 'completed');
    expect(done.tickets).toHaveLength(1);
    expect((await resursPayment(shop.service, 'rv-thaw')).payment.status).toContain('IS_DEBITED');
    const subjects = await eventually(() => shop.mails('rv-thaw'), (list) => list.length === 2);
    expect(subjects.join(' | ')).toMatch(/reviewed.*\| .*tickets|tickets.*\| .*reviewed/i);
  });

  test('frozen, then annulled by Resurs: cancelled, seats released, the customer told', async () => {
    await shop.open('rv-annul', FROZEN.governmentId);
    await eventually(() => shop.checkout('rv-annul'), (o) => o.status === 'awaiting_payment');
    expect((await shop.operator('rv-annul', 'annul')).status).toBe(200);
    const order = await eventually(() => shop.checkout('rv-annul'), (o) => o.status === 'cancelled');
    expect(order.history.at(-1).reason).toMatch(/annul/);
    const subjects = await eventually(() => shop.mails('rv-annul'), (list) => list.length === 2);
    expect(subjects.some((s) => s.includes('cancelled'))).toBe(true);
  });

  test('hosted flow: the customer pays on Resurs\' page and never comes back; callbacks alone complete the order', async () => {
    const opened = await shop.open('rv-hosted', BOOKED.governmentId, 'hosted');
    expect(opened.redirectUrl).toContain('/sandbox/resurs/hostedflow/customer-landing-page/');
    const paid = await fetch(`${opened.redirectUrl}/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ governmentId: BOOKED.governmentId }).toString(),
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toContain('/checkouts/rv-hosted/resurs/success?apiData=');
    await eventually(() => shop.checkout('rv-hosted'), (o) => o.status === 'completed');
  });

  test('hosted flow, "back to the shop": the order stays pending, and the customer may still cancel', async () => {
    const opened = await shop.open('rv-back', BOOKED.governmentId, 'hosted');
    const back = await fetch(`${opened.redirectUrl}/back`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    const landing = back.headers.get('location')!;
    expect(landing).toContain('/checkouts/rv-back/resurs/back?apiData=');
    expect((await http('GET', landing)).status).toBe(303);
    expect((await shop.checkout('rv-back')).status).toBe('pending');
    expect((await http('POST', `${shop.service.url}/checkouts/rv-back/cancel`, undefined, { 'x-client-secret': opened.clientSecret })).status).toBe(202);
    await eventually(() => shop.checkout('rv-back'), (o) => o.status === 'cancelled');
  });

  test('callbacks resent days later, and an annulment after finalization, change nothing: one mail, still completed', async () => {
    const before = await shop.seats();
    await shop.open('rv-late', FROZEN.governmentId);
    await eventually(() => shop.checkout('rv-late'), (o) => o.status === 'awaiting_payment');
    await shop.operator('rv-late', 'unfreeze');
    await eventually(() => shop.checkout('rv-late'), (o) => o.status === 'completed');
    expect((await shop.operator('rv-late', 'resend-callbacks')).status).toBe(200);
    expect((await shop.operator('rv-late', 'annul')).status).toBe(422); // Resurs refuses to annul a finalized payment
    const subjects = await eventually(() => shop.mails('rv-late'), (list) => list.length >= 2);
    expect(subjects.filter((s) => s.includes('tickets'))).toHaveLength(1);
    expect((await shop.checkout('rv-late')).status).toBe('completed');
    expect(await shop.seats()).toMatchObject({ sold: before.sold + 1 });
  });
});

describe('with RESURS_REVIEW_TIMEOUT=4s and CHECKOUT_TIMEOUT=6s', () => {
  let shop: Awaited<ReturnType<typeof openShop>>;
  beforeAll(async () => {
    shop = await openShop({ RESURS_REVIEW_TIMEOUT: '4s', CHECKOUT_TIMEOUT: '6s' });
  });
  afterAll(() => shop?.service.stop());

  test('a review nobody decides: asked once more, annulled at Resurs, the order cancelled, seats released', async () => {
    await shop.open('rv-lapse', FROZEN.governmentId);
    await eventually(() => shop.checkout('rv-lapse'), (o) => o.status === 'awaiting_payment');
    const order = await eventually(() => shop.checkout('rv-lapse'), (o) => o.status === 'cancelled', 60_000);
    expect(order.history.at(-1).reason).toBe('payment deadline passed');
    expect((await resursPayment(shop.service, 'rv-lapse')).payment.status).toContain('IS_ANNULLED');
    expect(await shop.seats()).toMatchObject({ reserved: 0, sold: 0 });
  });

  test('signed, never returned, and no callback ever arrives: at CHECKOUT_TIMEOUT the checkout asks getPayment and completes', async () => {
    // This account's callbacks go nowhere (a port nobody listens on).
    const { config } = shop.service;
    const resurs = new ResursClient({ apiUrl: config.resurs.apiUrl, username: config.resurs.username, password: config.resurs.password });
    await registerCallbacks(resurs, 'http://127.0.0.1:9', config.resurs.callbackSalt);
    const opened = await shop.open('rv-silent', SIGNING.governmentId);
    await answerResursSigning(opened.redirectUrl, 'sign'); // booked at Resurs; the landing is never visited
    const order = await eventually(() => shop.checkout('rv-silent'), (o) => o.status !== 'pending', 60_000);
    expect(order.status).toBe('completed');
    expect((await resursPayment(shop.service, 'rv-silent')).payment.status).toContain('IS_DEBITED');
  });
});
