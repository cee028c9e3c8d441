/**
 * Fault families 1 and 2 where time matters, on the time-skipping test server: the same provider
 * event five times at once, again an hour later and again days later; an expiry that arrives
 * after the capture. Fake activities count the effects (mails, order moves, seat sales).
 */
import { konbiniSlip } from '../support/fixtures';
import { authorizedSignal, capturedSignal, expiredSignal, statusQuery, type PaymentEvent } from '../../src/temporal/messages';
import { workflowHarness, type WorkflowHarness } from '../workflows/harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let h: WorkflowHarness;
beforeAll(async () => {
  h = await workflowHarness('redeliver');
});
afterAll(() => h?.stop());

async function konbiniCheckout() {
  const opened = await h.open({}, 'konbini');
  const deadline = new Date((await h.env.currentTimeMs()) + 3 * DAY).toISOString();
  opened.script.payment = konbiniSlip(opened.orderId, `pay_${opened.orderId}`, deadline, HOUR);
  return opened;
}

test('the same event 5× at once, an hour later and two days later: one slip mail; the capture 5× at once: one completion, one sale, one mail', async () => {
  const { handle, orderId, script } = await konbiniCheckout();
  const paymentId = script.payment!.paymentId!;
  const authorized: PaymentEvent = { eventId: 'komoju:evt_auth', source: 'webhook', paymentId };
  const fiveAtOnce = (signal: typeof authorizedSignal, event: PaymentEvent) => Promise.all(Array.from({ length: 5 }, () => handle.signal(signal, event)));

  await fiveAtOnce(authorizedSignal, authorized);
  await h.env.sleep(HOUR);
  await fiveAtOnce(authorizedSignal, authorized);
  await h.env.sleep(2 * DAY);
  await fiveAtOnce(authorizedSignal, authorized);
  expect(await handle.query(statusQuery)).toMatchObject({ status: 'awaiting_payment' });
  expect(h.emails(orderId)).toEqual(['konbini_instructions']);
  expect(h.moves(orderId)).toEqual(['awaiting_payment']);

  script.payment = { ...script.payment!, status: 'captured' };
  await fiveAtOnce(capturedSignal, { eventId: 'komoju:evt_cap', source: 'webhook', paymentId });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(h.moves(orderId)).toEqual(['awaiting_payment', 'completed']);
  expect(h.names(orderId).filter((n) => n === 'sellSeats')).toHaveLength(1);
  expect(h.emails(orderId)).toEqual(['konbini_instructions', 'order_confirmation']);
});

test('expired after captured: the capture stands, no seats released, no expiry mail', async () => {
  const { handle, orderId, script } = await konbiniCheckout();
  const paymentId = script.payment!.paymentId!;
  await handle.signal(authorizedSignal, { eventId: 'komoju:evt_auth', source: 'webhook', paymentId });
  await h.env.sleep(DAY);
  script.payment = { ...script.payment!, status: 'captured' };
  // KOMOJU's expiry sweep raced the store's payment: the expiry is delivered right behind the capture.
  await handle.signal(capturedSignal, { eventId: 'komoju:evt_cap', source: 'webhook', paymentId });
  await handle.signal(expiredSignal, { eventId: 'komoju:evt_exp', source: 'webhook', paymentId });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(h.moves(orderId)).toEqual(['awaiting_payment', 'completed']);
  expect(h.names(orderId)).not.toContain('releaseSeats');
  expect(h.emails(orderId)).toEqual(['konbini_instructions', 'order_confirmation']);
});
