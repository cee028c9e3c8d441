import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { CheckoutInput } from '../../src/domain/checkout';
import { checkoutWorkflowId } from '../../src/temporal/ids';
import { checkout } from '../../workflows/checkout';
import { capturedSignal, cancelledSignal, openCheckoutUpdate, statusQuery, authorizedSignal } from '../../workflows/messages';
import { workflowBundle } from '../support/bundle';
import { createTimeSkippingEnv } from '../support/servers';
import { fakeActivities, type Call, type Script } from './fake-activities';

const TASK_QUEUE = 'checkout-workflow-test';
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const scripts = new Map<string, Script>();
const calls = new Map<string, Call[]>();
let seq = 0;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: fakeActivities(scripts, calls),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

function input(script: Script = {}): CheckoutInput {
  const orderId = `wf-${++seq}`;
  scripts.set(orderId, script);
  return {
    orderId,
    requestHash: 'hash-1',
    eventId: 'concert',
    eventTitle: 'Concert',
    items: [{ ticketTypeId: 'general', quantity: 2, name: 'General', unitPrice: 1500 }],
    amount: 3000,
    currency: 'JPY',
    customer: { email: 'a@example.com', name: 'A', locale: 'en' },
    payment: { provider: 'komoju', method: 'credit_card' },
    checkoutTimeoutMs: 30 * 60_000,
    konbiniGraceMs: 3_600_000,
  };
}

async function open(script: Script = {}) {
  const args = input(script);
  const handle = await env.client.workflow.start(checkout, { taskQueue: TASK_QUEUE, workflowId: checkoutWorkflowId(args.orderId), args: [args] });
  const opened = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] });
  return { handle, opened, orderId: args.orderId };
}

const names = (orderId: string) => (calls.get(orderId) ?? []).map((c) => c.name);
const emails = (orderId: string) =>
  (calls.get(orderId) ?? []).filter((c) => c.name === 'sendEmail').map((c) => (c.args as { kind: string }).kind);
const moves = (orderId: string) =>
  (calls.get(orderId) ?? []).filter((c) => c.name === 'moveOrder').map((c) => (c.args as { status: string }).status);

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
  const args = input({ soldOut: true });
  const handle = await env.client.workflow.start(checkout, { taskQueue: TASK_QUEUE, workflowId: checkoutWorkflowId(args.orderId), args: [args] });
  const failure = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] }).catch((err) => err);
  expect((failure.cause as ApplicationFailure).type).toBe('SoldOut');
  expect(await handle.result()).toEqual({ status: 'rejected', reason: 'SoldOut' });
  expect(names(args.orderId)).toEqual(['holdSeats']);
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
  const started = await env.currentTimeMs();
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'checkout timed out' });
  expect((await env.currentTimeMs()) - started).toBeGreaterThanOrEqual(30 * 60_000);
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
  const { handle, orderId } = await open({ provider: (asked) => (asked === 1 ? { status: 'pending', paymentId: null } : {}) });
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
  const refund = calls.get(orderId)!.find((c) => c.name === 'refundPayment')!.args as { paymentId: string; amount: number };
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
