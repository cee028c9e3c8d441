/**
 * A sandbox delivers a burst of webhooks a few at a time (ATTEMPTS_AT_ONCE), as a provider does:
 * thousands of slips falling due together must not reach the shop all at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

test(`a burst of 40 webhooks reaches the shop at most ${ATTEMPTS_AT_ONCE} at a time, every one delivered`, async () => {
  let inFlight = 0;
  let most = 0;
  // Each answer a moment later; counted down before it is sent, so a lane freed by an answer
  // can never be counted twice.
  const server = http.createServer((req, res) => {
    most = Math.max(most, ++inFlight);
    req.resume();
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  shop = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  const sender = new WebhookSender(fresh.db, { url: shop.url, secret: 'whsec_lanes' });
  await Promise.all(Array.from({ length: 40 }, (_, i) => sender.send('payment.expired', payment(`pay_${i}`))));
  await sender.drain();
  await sender.close();
  await expect(sender.deliveries.countDocuments({ status: 'delivered' })).resolves.toBe(40);
  expect(most).toBeLessThanOrEqual(ATTEMPTS_AT_ONCE);
  expect(most).toBeGreaterThan(1);
});

test('closing while attempts wait their turn leaves those deliveries pending and unattempted, for the next start', async () => {
  let seen = 0;
  shop = await listen(() => {
    seen++;
    return 'hang';
  });
  const sender = new WebhookSender(fresh.db, { url: shop.url, secret: 'whsec_lanes', timeoutMs: 5000 });
  await Promise.all(Array.from({ length: ATTEMPTS_AT_ONCE + 5 }, (_, i) => sender.send('payment.expired', payment(`pay_${i}`))));
  await eventually(async () => seen, (n) => n === ATTEMPTS_AT_ONCE);
  await sender.close();
  expect(seen).toBe(ATTEMPTS_AT_ONCE);
  await expect(sender.deliveries.countDocuments({ status: 'pending', attempts: 0 })).resolves.toBe(5);
  await expect(sender.deliveries.countDocuments({ status: 'pending', attempts: 1 })).resolves.toBe(ATTEMPTS_AT_ONCE);
});
