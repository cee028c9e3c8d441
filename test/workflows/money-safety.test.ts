import type { ApplicationFailure } from '@temporalio/common';
import { cancelledSignal, capturedSignal, authorizedSignal, checkoutWorkflowId, openCheckoutUpdate, statusQuery } from '../../src/temporal/messages';
import { checkout } from '../../workflows/checkout';
import { eventually } from '../support/eventually';
import type { Script } from './fake-activities';
import { workflowHarness, type WorkflowHarness } from './harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await workflowHarness('money');
});
afterAll(() => h?.stop());

const notes = (orderId: string) => h.calls(orderId).filter((c) => c.name === 'noteEvent').map((c) => c.args as { state: string; eventId?: string });

async function startUnanswered(script: Script) {
  const args = h.input(script);
  const handle = await h.env.client.workflow.start(checkout, { taskQueue: h.taskQueue, workflowId: checkoutWorkflowId(args.orderId), args: [args] });
  return { handle, orderId: args.orderId };
}

test('a payment completes only its own order: another order\'s payment is noted as mismatched and changes nothing', async () => {
  const otherOrders = { paymentId: 'pay_A', status: 'captured' as const, owner: { orderId: 'order-A', reference: 'sess_A' } };
  const { handle, orderId } = await h.open({ provider: (asked) => (asked === 1 ? otherOrders : {}) });
  await handle.signal(capturedSignal, { eventId: 'komoju:evt_forged', source: 'webhook', paymentId: 'pay_A' });
  await eventually(async () => notes(orderId), (list) => list.length === 1);
  expect(notes(orderId)[0]).toMatchObject({ state: 'mismatched', eventId: 'komoju:evt_forged' });
  expect((await handle.query(statusQuery)).status).toBe('pending');
  expect(h.names(orderId)).not.toContain('sellSeats');

  await handle.signal(capturedSignal, { eventId: 'komoju:evt_real', source: 'webhook', paymentId: 'pay_B' });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(h.moves(orderId)).toEqual(['completed']);
});

test('a provider refusal never wedges a checkout: it is noted, the checkout stays cancellable and releases its seats', async () => {
  const { handle, orderId } = await h.open({ refuse: () => true });
  await handle.signal(capturedSignal, { eventId: 'komoju:evt_unknown_payment', source: 'webhook', paymentId: 'pay_unknown' });
  await eventually(async () => notes(orderId), (list) => list.length === 1);
  expect(notes(orderId)[0]).toMatchObject({ state: 'refused', eventId: 'komoju:evt_unknown_payment' });
  expect((await handle.query(statusQuery)).status).toBe('pending');

  await handle.signal(cancelledSignal, { eventId: 'cancel:api', source: 'api' });
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'cancelled (api)' });
  expect(h.names(orderId)).toContain('releaseSeats');
  expect(h.moves(orderId)).toEqual(['cancelled']);
});

test('a provider that refuses every question (revoked key): the checkout still times out and releases its seats', async () => {
  const { handle, orderId } = await h.open({ refuse: () => true });
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'checkout timed out' });
  expect(h.names(orderId)).toEqual(expect.arrayContaining(['closePayment', 'noteEvent', 'releaseSeats']));
});

test('provider down while opening: the caller hears "not yet" in bounded time; after CHECKOUT_TIMEOUT the seats are released', async () => {
  const { handle, orderId } = await startUnanswered({ startFails: 'always' });
  const failure = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] }).catch((err) => err);
  expect((failure.cause as ApplicationFailure).type).toBe('ProviderUnavailable');
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'the payment provider could not be reached in time' });
  expect(h.names(orderId).filter((n) => n === 'startPayment').length).toBeGreaterThan(3);
  expect(h.names(orderId)).toContain('releaseSeats');
  expect(h.moves(orderId)).toEqual(['cancelled']);
});

test('provider back after a while: the caller asking again with the same order id gets the page', async () => {
  const { handle } = await startUnanswered({ startFails: 5 }); // about 30 s of backoff: longer than one answer waits
  const first = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] }).catch((err) => err);
  expect((first.cause as ApplicationFailure).type).toBe('ProviderUnavailable');
  await h.env.sleep(5 * 60_000); // time skipped: the retries go on meanwhile, and succeed
  const again = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] });
  expect(again).toMatchObject({ status: 'pending', nextAction: { type: 'redirect' }, repeated: false });
  await handle.signal(cancelledSignal, { eventId: 'cancel:api', source: 'api' });
  expect(await handle.result()).toMatchObject({ status: 'cancelled' });
});

test('a cancel while the provider page is still opening wins', async () => {
  const { handle, orderId } = await startUnanswered({ startFails: 'always' });
  await eventually(async () => h.names(orderId), (names) => names.includes('startPayment'));
  await handle.signal(cancelledSignal, { eventId: 'cancel:api', source: 'api' });
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'the checkout was cancelled while the payment page was opening' });
  const failure = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] }).catch((err) => err);
  expect(failure).toBeInstanceOf(Error);
  expect(h.names(orderId)).toContain('releaseSeats');
});

test('authorized is not paid: the payment is captured (its void registered first), then the order completes', async () => {
  const { handle, orderId } = await h.open({ provider: () => ({ paymentId: 'pay_auth', status: 'authorized' }) });
  await handle.signal(authorizedSignal, { eventId: 'evt_auth', source: 'webhook', paymentId: 'pay_auth' });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(h.names(orderId)).toContain('capturePayment');
  expect(h.names(orderId)).not.toContain('voidPayment');
});

test('a cancel request for an authorized payment voids it: no money taken, seats released', async () => {
  const { handle, orderId } = await h.open({ provider: () => ({ paymentId: 'pay_auth', status: 'authorized' }) });
  await handle.signal(cancelledSignal, { eventId: 'cancel:api', source: 'api' });
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'cancelled (api)' });
  expect(h.names(orderId)).toEqual(expect.arrayContaining(['closePayment', 'voidPayment', 'releaseSeats']));
  expect(h.names(orderId)).not.toContain('capturePayment');
});

test('a review nobody decides: at its deadline the provider is asked once more, the payment voided, the order cancelled', async () => {
  const { handle, orderId, script } = await h.open();
  const settleBy = new Date((await h.env.currentTimeMs()) + 3 * 86_400_000).toISOString();
  script.payment = {
    paymentId: 'pay_review',
    status: 'pending',
    amount: 3000,
    currency: 'JPY',
    owner: { orderId, reference: `sess_${orderId}` },
    pending: { kind: 'review', reason: 'under the provider\'s fraud review', settleBy, notice: 'payment_under_review', lapse: 'cancelled' },
  };
  await handle.signal(authorizedSignal, { eventId: 'evt_frozen', source: 'webhook', paymentId: 'pay_review' });
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'payment deadline passed' });
  expect(await h.env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(settleBy));
  const names = h.names(orderId);
  expect(names.lastIndexOf('lookupPayment')).toBeLessThan(names.indexOf('voidPayment'));
  expect(names.indexOf('voidPayment')).toBeLessThan(names.indexOf('releaseSeats'));
  expect(h.moves(orderId)).toEqual(['awaiting_payment', 'cancelled']);
  expect(h.emails(orderId)).toEqual(['payment_under_review', 'order_cancelled']);
});
