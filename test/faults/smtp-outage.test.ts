/**
 * Fault 6: SMTP down for minutes. A batch of 20 orders (cards paid, konbini slips paid, cancelled
 * at the store or left to expire, a customer cancel) all reach their final status while no mail
 * can go out; the mail activities keep retrying across attempts; once SMTP is back on the same
 * port every (order, kind) mail arrives exactly once, and none is missing.
 *
 * The outage lasts at least OUTAGE_MS (90 s) and until every mail has failed MIN_ATTEMPTS (5)
 * times: the mail retry policy (workflows/proxies.ts: 2 s doubling, capped at 30 s) then sits at
 * its cap, so the mails are sent by a retry long after the attempt that first failed — the
 * situation of a real multi-minute outage, compressed (real minutes would only add more 30 s retries).
 */
import type { MongoClient } from 'mongodb';
import { collections, connectMongo } from '../../src/db/mongo';
import type { EmailDoc } from '../../src/db/schema';
import { startSmtpCapture } from '../../src/stack/smtp';
import { testServers } from '../support/servers';
import { eventually, http, startService, type TestService } from '../support/service';
import { atStore, customerCancel, inParallel, openCheckout, orderOf, payCard, takeSlip, type Opened } from '../support/buyers';

const OUTAGE_MS = 90_000;
const MIN_ATTEMPTS = 5;

let service: TestService;
let mongo: MongoClient;
let emails: ReturnType<typeof collections>['emails'];
beforeAll(async () => {
  service = await startService({ KONBINI_GRACE: '1s' });
  const connected = await connectMongo(testServers().mongoUri, service.config.mongo.db);
  mongo = connected.client;
  emails = collections(connected.db).emails;
  await http('POST', `${service.url}/events`, { id: 'tour', title: 'Tour', currency: 'JPY', ticketTypes: [{ id: 'floor', name: 'Floor', price: 5000, capacity: 40 }] });
});
afterAll(async () => {
  await mongo?.close();
  await service?.stop();
});

type Plan = 'card_paid' | 'slip_paid' | 'slip_cancelled' | 'slip_expired' | 'customer_cancel';
/** What each plan ends as, and the mails its customer must get (exactly these, once each). */
const OUTCOME: Record<Plan, { status: string; mails: string[] }> = {
  card_paid: { status: 'completed', mails: ['order_confirmation'] },
  slip_paid: { status: 'completed', mails: ['konbini_instructions', 'order_confirmation'] },
  slip_cancelled: { status: 'cancelled', mails: ['konbini_instructions', 'order_cancelled'] },
  slip_expired: { status: 'expired', mails: ['konbini_instructions', 'payment_expired'] },
  // Never told of a pending payment: nothing to say about a cancel the customer made themselves.
  customer_cancel: { status: 'cancelled', mails: [] },
};
const PLANS: Array<[Plan, number]> = [['card_paid', 8], ['slip_paid', 6], ['slip_cancelled', 3], ['slip_expired', 2], ['customer_cancel', 1]];

const KIND_BY_SUBJECT: Array<[RegExp, string]> = [
  [/^Your tickets/, 'order_confirmation'],
  [/^How to pay at the convenience store/, 'konbini_instructions'],
  [/^Payment deadline passed/, 'payment_expired'],
  [/^Order cancelled/, 'order_cancelled'],
];
const kindOf = (subject: string) => KIND_BY_SUBJECT.find(([re]) => re.test(subject))?.[1] ?? `unknown: ${subject}`;

async function buy(plan: Plan, orderId: string): Promise<Opened> {
  const method = plan === 'card_paid' || plan === 'customer_cancel' ? 'credit_card' : 'konbini';
  const opened = await openCheckout(service, orderId, 'tour', 'floor', method);
  if (opened.status !== 201) throw new Error(`${orderId}: POST /checkouts answered ${opened.status} ${JSON.stringify(opened.json)}`);
  if (plan === 'card_paid') await payCard(opened);
  if (plan === 'customer_cancel') expect(await customerCancel(service, opened)).toBe(202);
  if (method === 'konbini') {
    // 30 s: long enough for the shop to hear of the slip under load (one that lapses unheard of is a cancel).
    const paymentId = await takeSlip(service, opened, plan === 'slip_expired' ? 30 : undefined);
    // The slip is reported first (its instructions mail is due), then the store acts.
    await eventually(() => orderOf(service, orderId), (o) => o?.status === 'awaiting_payment', 60_000);
    if (plan === 'slip_paid') await atStore(service, paymentId, 'pay-at-store');
    if (plan === 'slip_cancelled') await atStore(service, paymentId, 'cancel');
  }
  return opened;
}

test('SMTP down for minutes: every order reaches its final status without mail; afterwards each mail goes out once, none missing', async () => {
  const { port } = new URL(service.smtp.url);
  const orders = PLANS.flatMap(([plan, count]) => Array.from({ length: count }, (_, i) => ({ plan, orderId: `${plan.replace('_', '-')}-${i + 1}` })));
  expect(orders).toHaveLength(20);

  await service.smtp.stop();
  const downAt = Date.now();
  await inParallel(orders, 10, ({ plan, orderId }) => buy(plan, orderId));

  // Orders never wait for mail: all final while SMTP is still down.
  for (const { plan, orderId } of orders) {
    await eventually(() => orderOf(service, orderId), (o) => o?.status === OUTCOME[plan].status, 90_000);
  }
  const allFinalAfterMs = Date.now() - downAt;
  const expected = orders.flatMap(({ plan, orderId }) => OUTCOME[plan].mails.map((kind) => `${orderId}:${kind}`)).sort();
  expect(expected).toHaveLength(30);

  // Hold the outage: every mail is being retried (none sent), for at least OUTAGE_MS.
  const retrying = await eventually(
    () => emails.find({}).toArray(),
    (docs: EmailDoc[]) => docs.length === expected.length && docs.every((d) => d.attempts >= MIN_ATTEMPTS) && Date.now() - downAt >= OUTAGE_MS,
    OUTAGE_MS + 120_000,
  );
  expect(retrying.map((d) => d._id).sort()).toEqual(expected);
  expect(retrying.every((d) => d.state === 'sending')).toBe(true);
  const outageMs = Date.now() - downAt;
  const attemptsDuringOutage = retrying.reduce((sum, d) => sum + d.attempts, 0);

  service.smtp = await startSmtpCapture({ dir: service.smtp.dir, port: Number(port) });
  const backAt = Date.now();
  const sent = await eventually(() => emails.find({}).toArray(), (docs: EmailDoc[]) => docs.every((d) => d.state === 'sent'), 120_000);
  const drainMs = Date.now() - backAt;
  const mails = await eventually(() => service.smtp.list(), (list) => list.length >= expected.length, 30_000);

  const delivered = mails.map((m) => `${m.to[0].replace('@example.com', '')}:${kindOf(m.subject)}`).sort();
  expect(delivered).toEqual(expected); // each (order, kind) once, none missing, nothing else
  expect(sent).toHaveLength(expected.length);
  // Orders were never held back by mail: the statuses did not move while the mails went out.
  for (const { plan, orderId } of orders) expect((await orderOf(service, orderId)).status).toBe(OUTCOME[plan].status);
  expect((await http('GET', `${service.url}/events/tour`)).json.ticketTypes[0]).toMatchObject({ sold: 14, reserved: 0, available: 26 });

  console.log(
    `[fault 6] ${orders.length} orders final ${Math.round(allFinalAfterMs / 1000)} s into the outage; SMTP down ${Math.round(outageMs / 1000)} s; ` +
      `${attemptsDuringOutage} failed mail attempts for ${expected.length} mails (min ${Math.min(...retrying.map((d) => d.attempts))}, max ${Math.max(...retrying.map((d) => d.attempts))}); ` +
      `all ${sent.length} sent ${Math.round(drainMs / 1000)} s after SMTP came back, ${mails.length} delivered`,
  );
}, 600_000);
