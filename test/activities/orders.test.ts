import type { Db } from 'mongodb';
import pino from 'pino';
import { createActivities } from '../../activities';
import type { ActivityDeps } from '../../activities/deps';
import { collections } from '../../src/db/mongo';
import type { CheckoutInput } from '../../src/domain/checkout';
import type { Mailer, OutgoingMail } from '../../src/mail/mailer';
import { checkoutInput } from '../support/fixtures';
import { freshDb, testServers } from '../support/servers';

let db: Db;
let drop: () => Promise<void>;
const sent: OutgoingMail[] = [];
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  ({ db, cleanup: drop } = await freshDb(testServers().mongoUri));
  const mailer: Mailer = { send: async (mail) => void sent.push(mail), verify: async () => undefined, close: () => undefined };
  const deps = { store: collections(db), mailer, storefrontUrl: 'http://shop.test', log: pino({ level: 'silent' }) } as unknown as ActivityDeps;
  activities = createActivities(deps);
});
afterAll(() => drop());

const input = (orderId: string): CheckoutInput =>
  checkoutInput(orderId, {
    requestHash: 'h',
    items: [{ ticketTypeId: 'general', quantity: 1, name: 'General', unitPrice: 1000 }],
    amount: 1000,
    customer: { email: 'buyer@example.com', name: 'Buyer', locale: 'ja' },
  });

test('recording an order twice keeps the first record', async () => {
  await activities.recordOrder({ input: input('rec'), at: '2026-01-01T00:00:00.000Z' });
  await activities.recordOrder({ input: { ...input('rec'), amount: 5 }, at: '2026-01-02T00:00:00.000Z' });
  const order = await collections(db).orders.findOne({ _id: 'rec' });
  expect(order).toMatchObject({ amount: 1000, status: 'pending', statusCode: 0, workflowId: 'checkout-rec' });
  expect(order!.history).toHaveLength(1);
});

test('a status only moves forward: a repeat or a move back is a no-op', async () => {
  await activities.recordOrder({ input: input('fwd'), at: '2026-01-01T00:00:00.000Z' });
  const at = '2026-01-01T00:01:00.000Z';
  expect(await activities.moveOrder({ orderId: 'fwd', status: 'completed', reason: 'paid', at })).toEqual({ moved: true });
  expect(await activities.moveOrder({ orderId: 'fwd', status: 'completed', reason: 'paid', at })).toEqual({ moved: false });
  expect(await activities.moveOrder({ orderId: 'fwd', status: 'cancelled', reason: 'late', at })).toEqual({ moved: false });
  const order = await collections(db).orders.findOne({ _id: 'fwd' });
  expect(order).toMatchObject({ status: 'completed', statusCode: 1 });
  expect(order!.history.map((h) => h.status)).toEqual(['pending', 'completed']);
});

test('one email per order and kind, whatever the retries; Japanese for locale ja', async () => {
  await activities.recordOrder({ input: input('mail'), at: '2026-01-01T00:00:00.000Z' });
  expect(await activities.sendEmail({ orderId: 'mail', kind: 'order_confirmation' })).toEqual({ sent: true });
  expect(await activities.sendEmail({ orderId: 'mail', kind: 'order_confirmation' })).toEqual({ sent: false });
  const mails = sent.filter((m) => m.messageId.includes('mail.order_confirmation'));
  expect(mails).toHaveLength(1);
  expect(mails[0]).toMatchObject({ to: 'buyer@example.com' });
  expect(mails[0].subject).toContain('チケット');
  expect(mails[0].text).toContain('http://shop.test/orders/mail');
});
