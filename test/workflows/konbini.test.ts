import { checkoutWorkflowId } from '../../src/temporal/messages';
import { konbiniSlip } from '../support/fixtures';
import { settleLatePayment } from '../../workflows/late-payment';
import { authorizedSignal, cancelledSignal, capturedSignal, expiredSignal, statusQuery } from '../../src/temporal/messages';
import { workflowHarness, type WorkflowHarness } from './harness';

const DAY = 86_400_000;
const GRACE = 3_600_000;
let h: WorkflowHarness;
beforeAll(async () => {
  h = await workflowHarness('konbini');
});
afterAll(() => h?.stop());

/** A slip as KOMOJU issues it: pending, with the store's deadline three days out. */
async function slip(orderId: string) {
  const deadline = new Date((await h.env.currentTimeMs()) + 3 * DAY).toISOString();
  return konbiniSlip(orderId, `pay_${orderId}`, deadline, GRACE);
}

async function issueSlip() {
  const opened = await h.open({}, 'konbini');
  const payment = await slip(opened.orderId);
  opened.script.payment = payment;
  await opened.handle.signal(authorizedSignal, { eventId: `evt_auth_${opened.orderId}`, source: 'webhook', paymentId: payment.paymentId! });
  return { ...opened, payment, deadline: Date.parse(payment.pending.deadline!) };
}

test('slip → paid at the store on day 2 → completed, exactly two emails', async () => {
  const { handle, orderId, script, payment } = await issueSlip();
  // The redirect reports the same slip: a no-op.
  await handle.signal(authorizedSignal, { eventId: 'return:sess:authorized', source: 'return', paymentId: payment.paymentId! });
  await h.env.sleep(DAY);
  const view = await handle.query(statusQuery);
  expect(view).toMatchObject({ status: 'awaiting_payment', statusCode: 5, payment: { status: 'pending', pending: { kind: 'konbini' }, konbini: { store: 'lawson', deadline: payment.pending.deadline } } });

  script.payment = { ...payment, status: 'captured' };
  await handle.signal(capturedSignal, { eventId: 'evt_cap', source: 'webhook', paymentId: payment.paymentId! });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(h.moves(orderId)).toEqual(['awaiting_payment', 'completed']);
  expect(h.emails(orderId)).toEqual(['konbini_instructions', 'order_confirmation']);
});

test('slip never paid → expired only after deadline + grace, after one final check; seats released, one email', async () => {
  const { handle, orderId, deadline } = await issueSlip();
  expect(await handle.result()).toEqual({ status: 'expired', reason: 'payment deadline passed' });
  expect(await h.env.currentTimeMs()).toBeGreaterThanOrEqual(deadline + GRACE);
  const names = h.names(orderId);
  expect(names.lastIndexOf('lookupPayment')).toBeLessThan(names.indexOf('releaseSeats'));
  expect(h.moves(orderId)).toEqual(['awaiting_payment', 'expired']);
  expect(h.emails(orderId)).toEqual(['konbini_instructions', 'payment_expired']);
});

test('an early "expired" event does not expire a slip the provider still holds open', async () => {
  const { handle, orderId, script, payment } = await issueSlip();
  await handle.signal(expiredSignal, { eventId: 'evt_too_early', source: 'webhook', paymentId: payment.paymentId! });
  await h.env.sleep(DAY);
  expect((await handle.query(statusQuery)).status).toBe('awaiting_payment');
  script.payment = { ...payment, status: 'captured' };
  await handle.signal(capturedSignal, { eventId: 'evt_cap', source: 'webhook', paymentId: payment.paymentId! });
  expect(await handle.result()).toMatchObject({ status: 'completed' });
  expect(h.moves(orderId)).not.toContain('expired');
});

test('the expiry webhook and the timer both fire → one expiry', async () => {
  const { handle, orderId, script, payment, deadline } = await issueSlip();
  await h.env.sleep(deadline - (await h.env.currentTimeMs()) + 1000);
  script.payment = { ...payment, status: 'expired' };
  await handle.signal(expiredSignal, { eventId: 'evt_exp', source: 'webhook', paymentId: payment.paymentId! });
  await handle.signal(expiredSignal, { eventId: 'evt_exp', source: 'webhook', paymentId: payment.paymentId! });
  expect(await handle.result()).toMatchObject({ status: 'expired' });
  expect(h.moves(orderId).filter((m) => m === 'expired')).toHaveLength(1);
  expect(h.emails(orderId).filter((m) => m === 'payment_expired')).toHaveLength(1);
});

test('captured arrives before authorized and before the redirect: completed, no instructions mail', async () => {
  const opened = await h.open({}, 'konbini');
  const payment = await slip(opened.orderId);
  opened.script.payment = { ...payment, status: 'captured' };
  await opened.handle.signal(capturedSignal, { eventId: 'evt_cap', source: 'webhook', paymentId: payment.paymentId! });
  await opened.handle.signal(authorizedSignal, { eventId: 'evt_auth', source: 'webhook', paymentId: payment.paymentId! });
  await opened.handle.signal(authorizedSignal, { eventId: 'return:sess:captured', source: 'return', paymentId: payment.paymentId! });
  expect(await opened.handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(h.moves(opened.orderId)).toEqual(['completed']);
  expect(h.emails(opened.orderId)).toEqual(['order_confirmation']);
});

test('the customer cancels a slip: voided at the provider, order cancelled, customer told', async () => {
  const { handle, orderId } = await issueSlip();
  await handle.signal(cancelledSignal, { eventId: 'cancel', source: 'api' });
  expect(await handle.result()).toMatchObject({ status: 'cancelled' });
  expect(h.names(orderId)).toContain('voidPayment');
  expect(h.emails(orderId)).toEqual(['konbini_instructions', 'order_cancelled']);
});

describe('late capture after the checkout expired (signal-with-start on the same workflow id)', () => {
  async function expiredOrder(soldOut: boolean) {
    const input = h.input({ soldOut, noRefund: true }, 'konbini');
    const payment = await slip(input.orderId);
    const script = h.scripts.get(input.orderId)!;
    script.payment = { ...payment, status: 'captured' };
    script.snapshot = {
      input,
      status: 'expired',
      history: [{ at: '2026-01-01T00:00:00.000Z', status: 'expired', reason: 'payment deadline passed' }],
      reference: 'sess_1',
      paymentId: payment.paymentId,
    };
    const handle = await h.env.client.workflow.signalWithStart(settleLatePayment, {
      workflowId: checkoutWorkflowId(input.orderId),
      taskQueue: h.taskQueue,
      args: [input.orderId],
      signal: capturedSignal,
      signalArgs: [{ eventId: 'evt_late', source: 'webhook', paymentId: payment.paymentId! }],
    });
    return { handle, orderId: input.orderId };
  }

  test('seats still available → seats held again and the order completed', async () => {
    const { handle, orderId } = await expiredOrder(false);
    expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
    expect(h.names(orderId)).toEqual(expect.arrayContaining(['holdSeats', 'sellSeats', 'issueTickets']));
    expect(h.moves(orderId)).toEqual(['completed']);
    expect(h.emails(orderId)).toEqual(['order_confirmation']);
  });

  test('seats sold out → refund_required (konbini cannot be refunded by API), customer mailed', async () => {
    const { handle, orderId } = await expiredOrder(true);
    expect(await handle.result()).toEqual({ status: 'refund_required', reason: 'late_payment_sold_out' });
    expect(h.names(orderId)).toContain('refundPayment');
    expect(h.moves(orderId)).toEqual(['refund_required']);
    expect(h.emails(orderId)).toEqual(['refund_notice']);
    expect((await handle.query(statusQuery)).status).toBe('refund_required');
  });
});

test('a slip first seen already expired (no worker ran from the slip to its deadline) → expired, not cancelled; no instructions owed', async () => {
  const opened = await h.open({}, 'konbini');
  const payment = await slip(opened.orderId);
  opened.script.payment = { ...payment, status: 'expired' };
  await opened.handle.signal(authorizedSignal, { eventId: `evt_auth_${opened.orderId}`, source: 'webhook', paymentId: payment.paymentId! });
  expect(await opened.handle.result()).toMatchObject({ status: 'expired' });
  expect(h.moves(opened.orderId)).toEqual(['expired']);
  expect(h.emails(opened.orderId)).toEqual(['payment_expired']);
});
