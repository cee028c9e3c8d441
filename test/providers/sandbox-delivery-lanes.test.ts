/**
 * A sandbox delivers a burst of webhooks a few at a time (ATTEMPTS_AT_ONCE), as a provider does:
 * thousands of slips falling due together must not reach the shop all at once.
 */
import { ATTEMPTS_AT_ONCE } from '../../src/sandbox/delivery';
import { WebhookSender } from '../../src/sandbox/komoju/webhooks';
import { eventually } from '../support/eventually';
import { freshDb, type FreshDb } from '../support/servers';
import { listen, type Server } from './komoju-sandbox-harness';

let fresh: FreshDb;
let shop: Server | undefined;
beforeEach(async () => {
  fresh = await freshDb();
});
afterEach(async () => {
  await shop?.close();
  await fresh.cleanup();
});

const payment = (id: string) => ({ id }) as never;

test(`a burst of 40 webhooks reaches the shop at most ${ATTEMPTS_AT_ONCE} at a time, every one attempted`, async () => {
  let inFlight = 0;
  let most = 0;
  // Never answered: each attempt ends at its timeout, when the sender drops the connection.
  shop = await listen((req) => {
    most = Math.max(most, ++inFlight);
    req.socket.once('close', () => inFlight--);
    return 'hang';
  });
  const sender = new WebhookSender(fresh.db, { url: shop.url, secret: 'whsec_lanes', timeoutMs: 150, maxAttempts: 20, baseDelayMs: 10, maxDelayMs: 50 });
  await Promise.all(Array.from({ length: 40 }, (_, i) => sender.send('payment.expired', payment(`pay_${i}`))));
  await eventually(() => sender.deliveries.countDocuments({ attempts: { $gte: 1 } }), (n) => n === 40, 60_000);
  await sender.close();
  expect(most).toBeLessThanOrEqual(ATTEMPTS_AT_ONCE);
  expect(most).toBeGreaterThan(1);
});

test('closing while attempts wait their turn leaves those deliveries pending and unattempted, for the next start', async () => {
  let seen = 0;
  shop = await listen(() => {
    seen++;
    return 'hang';
  });
  const sender = new WebhookSender(fresh.db, { url: shop.url, secret: 'whsec_lanes', timeoutMs: 2000 });
  await Promise.all(Array.from({ length: ATTEMPTS_AT_ONCE + 5 }, (_, i) => sender.send('payment.expired', payment(`pay_${i}`))));
  await eventually(async () => seen, (n) => n === ATTEMPTS_AT_ONCE);
  await sender.close();
  expect(seen).toBe(ATTEMPTS_AT_ONCE);
  await expect(sender.deliveries.countDocuments({ status: 'pending', attempts: 0 })).resolves.toBe(5);
  await expect(sender.deliveries.countDocuments({ status: 'pending', attempts: 1 })).resolves.toBe(ATTEMPTS_AT_ONCE);
});
