import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { checkoutWorkflowId } from '../../src/temporal/messages';
import { checkout } from '../../workflows/checkout';
import { capturedSignal, cancelledSignal, openCheckoutUpdate, statusQuery, authorizedSignal } from '../../src/temporal/messages';
import type { Script } from './fake-activities';
import { workflowHarness, type WorkflowHarness } from './harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await workflowHarness('wf');
});
afterAll(() => h?.stop());

const open = (script: Script = {}) => h.open(script);
const names = (orderId: string) => h.names(orderId);
const emails = (orderId: string) => h.emails(orderId);
const moves = (orderId: string) => h.moves(orderId);

test('happy path: hold, record, open, captured → completed with one confirmation', async () => {
  const { handle, opened, orderId } = await open();
  expect(opened).toMatchObject({ orderId, status: 'pending', redirectUrl: `https://pay.example/${orderId}`, repeated: false });
  await handle.signal(capturedSignal, { eventId: 'evt_1', source: 'webhook', paymentId: 'pay_1' });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(names(orderId).slice(0, 3)).toEqual(['holdSeats', 'recordOrder', 'startPayment']);
  expect(moves(orderId)).toEqual(['completed']);
  expect(emails(orderId)).toEqual(['order_confirmation']);
  const view = await handle.query(statusQuery);
  expect(view).toMatchObject({ status: 'completed', statusCode: 1, tickets: [{ code: `T-${orderId}` }] });
  expect(view.history.map((h) => h.status)).toEqual(['pending', 'completed']);
});

test('a repeated open answers the same redirect; a different request is an idempotency conflict', async () => {
  const { handle, opened } = await open();
  const again = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] });
  expect(again).toEqual({ ...opened, repeated: true });
  const conflict = await handle.executeUpdate(openCheckoutUpdate, { args: ['other-hash'] }).catch((err) => err);
  expect(conflict).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((conflict.cause as ApplicationFailure).type).toBe('IdempotencyConflict');
  await handle.signal(cancelledSignal, { eventId: 'c1', source: 'api' });
  await handle.result();
});

test('sold out: the opening fails and nothing is recorded', async () => {
  const args = h.input({ soldOut: true });
  const handle = await h.env.client.workflow.start(checkout, { taskQueue: h.taskQueue, workflowId: checkoutWorkflowId(args.orderId), args: [args] });
  const failure = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] }).catch((err) => err);
  expect((failure.cause as ApplicationFailure).type).toBe('SoldOut');
  expect(await handle.result()).toEqual({ status: 'rejected', reason: 'SoldOut' });
  // Only the hold was tried (a local step may run again when its workflow task is retried: it is idempotent).
  expect(new Set(names(args.orderId))).toEqual(new Set(['holdSeats']));
});

test('cancel: seats released, order cancelled, no email to a customer never told of a pending payment', async () => {
  const { handle, orderId } = await open();
  await handle.signal(cancelledSignal, { eventId: 'cancel-1', source: 'api' });
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'cancelled (api)' });
  expect(names(orderId)).toContain('releaseSeats');
  expect(moves(orderId)).toEqual(['cancelled']);
  expect(emails(orderId)).toEqual([]);
});

test('timeout: after CHECKOUT_TIMEOUT (time skipped) the provider page is closed, then the order cancelled', async () => {
  const { handle, orderId } = await open();
  const started = await h.env.currentTimeMs();
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'checkout timed out' });
  expect((await h.env.currentTimeMs()) - started).toBeGreaterThanOrEqual(30 * 60_000);
  expect(names(orderId)).toEqual(expect.arrayContaining(['closePayment', 'releaseSeats']));
  expect(names(orderId).indexOf('closePayment')).toBeLessThan(names(orderId).indexOf('releaseSeats'));
  expect(moves(orderId)).toEqual(['cancelled']);
});

test('timeout, but the provider says the money arrived: completed, not cancelled', async () => {
  const { handle, orderId } = await open({ provider: () => ({ paymentId: 'pay_late', status: 'captured' }) });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(names(orderId)).not.toContain('releaseSeats');
  expect(emails(orderId)).toEqual(['order_confirmation']);
});

test('duplicate and out-of-order events: one completion, one email; a late cancel changes nothing', async () => {
  const { handle, orderId } = await open();
  await handle.signal(capturedSignal, { eventId: 'evt_cap', source: 'webhook', paymentId: 'pay_1' });
  await handle.signal(capturedSignal, { eventId: 'evt_cap', source: 'webhook', paymentId: 'pay_1' });
  await handle.signal(authorizedSignal, { eventId: 'evt_auth', source: 'webhook', paymentId: 'pay_1' });
  await handle.signal(capturedSignal, { eventId: 'return:sess:captured', source: 'return', paymentId: 'pay_1' });
  await handle.signal(cancelledSignal, { eventId: 'evt_cancel', source: 'webhook' });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(names(orderId).filter((n) => n === 'sellSeats')).toHaveLength(1);
  expect(names(orderId)).not.toContain('releaseSeats');
  expect(emails(orderId)).toEqual(['order_confirmation']);
  expect(moves(orderId)).toEqual(['completed']);
});

test('a capture the provider does not confirm is not believed', async () => {
  const { handle, orderId } = await open({ provider: (asked) => (asked === 1 ? { status: 'open', paymentId: null } : {}) });
  await handle.signal(capturedSignal, { eventId: 'forged', source: 'webhook', paymentId: 'pay_x' });
  await handle.signal(capturedSignal, { eventId: 'real', source: 'webhook', paymentId: 'pay_x' });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(names(orderId).filter((n) => n === 'lookupPayment')).toHaveLength(2);
});

test('compensation: issuing tickets fails for good → refund, seats released, order refunded, refund notice', async () => {
  const { handle, orderId } = await open({ ticketsFail: true });
  await handle.signal(capturedSignal, { eventId: 'evt_1', source: 'webhook', paymentId: 'pay_1' });
  expect(await handle.result()).toEqual({ status: 'refunded', reason: 'completion_failed' });
  const order = names(orderId);
  expect(order.indexOf('refundPayment')).toBeGreaterThan(order.indexOf('issueTickets'));
  expect(order.indexOf('releaseSeats')).toBeGreaterThan(order.indexOf('refundPayment'));
  const refund = h.calls(orderId).find((c) => c.name === 'refundPayment')!.args as { paymentId: string; amount: number };
  expect(refund).toMatchObject({ paymentId: 'pay_1', amount: 3000 });
  expect(moves(orderId)).toEqual(['refunded']);
  expect(emails(orderId)).toEqual(['refund_notice']);
});

test('a payment of the wrong amount is refunded, never completed', async () => {
  const { handle, orderId } = await open({ provider: () => ({ amount: 100 }) });
  await handle.signal(capturedSignal, { eventId: 'evt_1', source: 'webhook', paymentId: 'pay_1' });
  expect(await handle.result()).toEqual({ status: 'refunded', reason: 'completion_failed' });
  expect(names(orderId)).not.toContain('issueTickets');
  expect(names(orderId)).toContain('refundPayment');
});
