/**
 * Operators' actions as workflow updates, on the time-skipping server with recording
 * activities: each accepted and carried out, each illegal move refused by its validator with a
 * reason (and no trace in the history), on a running checkout and on a closed one reopened
 * under the same workflow id.
 */
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { OrderStatus } from '../../src/domain/checkout';
import type { ActionResult, OperatorAction } from '../../src/domain/operations';
import { authorizedSignal, checkoutWorkflowId, operatorUpdates, statusQuery } from '../../src/temporal/messages';
import { operateClosedCheckout } from '../../workflows/late-payment';
import { konbiniSlip } from '../support/fixtures';
import { workflowHarness, type WorkflowHarness } from './harness';

const DAY = 86_400_000;
const by = { operator: 'alice', reason: 'customer called' };
let h: WorkflowHarness;
beforeAll(async () => {
  h = await workflowHarness('operator');
});
afterAll(() => h?.stop());

function update(action: OperatorAction): UpdateDefinition<ActionResult, [OperatorAction]> {
  return operatorUpdates[action.action] as UpdateDefinition<ActionResult, [OperatorAction]>;
}

const ask = (handle: WorkflowHandle, action: OperatorAction) => handle.executeUpdate(update(action), { args: [action] });

/** The validator's or the handler's "no", as the client sees it. */
async function refusal(asking: Promise<unknown>): Promise<{ type?: string; message: string }> {
  const err = await asking.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; message: string };
  return { type: cause.type, message: cause.message };
}

/** The operators' accepted updates in the run's history, with their arguments (no codec in this harness). */
async function acceptedUpdates(handle: WorkflowHandle): Promise<Array<{ name: string; args: unknown }>> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .map((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input)
    .filter((input) => input && input.name !== 'openCheckout')
    .map((input) => ({ name: input!.name!, args: JSON.parse(Buffer.from(input!.args!.payloads![0].data!).toString()) }));
}

async function issueSlip() {
  const opened = await h.open({}, 'konbini');
  const deadline = new Date((await h.env.currentTimeMs()) + 3 * DAY).toISOString();
  const payment = konbiniSlip(opened.orderId, `pay_${opened.orderId}`, deadline);
  opened.script.payment = payment;
  await opened.handle.signal(authorizedSignal, { eventId: `evt_auth_${opened.orderId}`, source: 'webhook', paymentId: payment.paymentId! });
  await eventuallyStatus(opened.handle, 'awaiting_payment');
  return { ...opened, payment };
}

async function eventuallyStatus(handle: WorkflowHandle, status: OrderStatus): Promise<void> {
  for (let i = 0; i < 100 && (await handle.query(statusQuery)).status !== status; i++) await new Promise((r) => setTimeout(r, 50));
  expect((await handle.query(statusQuery)).status).toBe(status);
}

describe('on a running checkout', () => {
  test('cancel: accepted, the checkout cancels, and the request is recorded with who and why', async () => {
    const { handle, orderId } = await h.open();
    const result = await ask(handle, { action: 'cancel', ...by });
    expect(result).toEqual({ orderId, action: 'cancel', status: 'cancelled', outcome: 'cancelled; the seats are released' });
    expect(await handle.result()).toMatchObject({ status: 'cancelled', reason: 'cancelled by alice: customer called' });
    expect(h.moves(orderId)).toEqual(['cancelled']);
    const recorded = h.calls(orderId).filter((c) => c.name === 'recordOperatorAction').map((c) => c.args);
    expect(recorded).toEqual([expect.objectContaining({ action: 'cancel', operator: 'alice', reason: 'customer called', outcome: 'cancelled; the seats are released' })]);
    expect(await acceptedUpdates(handle)).toEqual([{ name: 'cancel', args: { action: 'cancel', ...by } }]);
  });

  test('refund of an unpaid order: refused at once with the reason, and nothing is in the history', async () => {
    const { handle, orderId } = await h.open();
    expect(await refusal(ask(handle, { action: 'refund', ...by }))).toEqual({ type: 'ActionRejected', message: 'only a paid order can be refunded; this one is pending' });
    expect(await refusal(ask(handle, { action: 'resolveRefund', ...by }))).toMatchObject({ type: 'ActionRejected' });
    expect(await refusal(ask(handle, { action: 'cancel', operator: 'alice', reason: ' ' }))).toEqual({ type: 'ActionRejected', message: 'say why (reason)' });
    expect(await acceptedUpdates(handle)).toEqual([]);
    expect(h.names(orderId)).not.toContain('recordOperatorAction');
    expect((await handle.query(statusQuery)).status).toBe('pending');
    await ask(handle, { action: 'cancel', ...by });
    await handle.result();
  });

  test('extend a konbini deadline: the checkout waits past the old one; an earlier time is refused', async () => {
    const { handle, orderId, payment } = await issueSlip();
    const settleBy = Date.parse(payment.pending.settleBy);
    expect(await refusal(ask(handle, { action: 'extendDeadline', until: new Date(settleBy - 60_000).toISOString(), ...by }))).toEqual({
      type: 'ActionRejected',
      message: `the checkout already waits until ${payment.pending.settleBy}`,
    });
    const until = new Date(settleBy + 2 * DAY).toISOString();
    const result = await ask(handle, { action: 'extendDeadline', until, ...by });
    expect(result).toMatchObject({ status: 'awaiting_payment', outcome: expect.stringMatching(/^the checkout now waits until \d+ \w{3} \d\d:\d\d JST$/) });
    expect((await handle.query(statusQuery)).payment.pending).toMatchObject({ settleBy: until });

    await h.env.sleep(settleBy - (await h.env.currentTimeMs()) + DAY);
    expect((await handle.query(statusQuery)).status).toBe('awaiting_payment');
    expect(await handle.result()).toEqual({ status: 'expired', reason: 'payment deadline passed' });
    expect(await h.env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(until));
    expect(h.calls(orderId).filter((c) => c.name === 'recordPayment').at(-1)?.args).toMatchObject({ patch: { pending: { settleBy: until } } });
  });

  test('mark paid: the provider must confirm the payment; a pending one fails, a captured one completes the order', async () => {
    const { handle, orderId, script, payment } = await issueSlip();
    expect(await refusal(ask(handle, { action: 'markPaid', paymentReference: payment.paymentId!, ...by }))).toEqual({
      type: 'ActionFailed',
      message: `KOMOJU says payment ${payment.paymentId} is pending, not paid`,
    });
    script.payment = { ...payment, status: 'captured' };
    const result = await ask(handle, { action: 'markPaid', paymentReference: payment.paymentId!, ...by });
    expect(result).toMatchObject({ status: 'completed', outcome: `KOMOJU confirms payment ${payment.paymentId}; the order is completed` });
    expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
    expect(h.moves(orderId)).toEqual(['awaiting_payment', 'completed']);
  });

  test('resend a mail: only the one that fits the order, sent as a mail of its own', async () => {
    const { handle, orderId } = await issueSlip();
    expect(await refusal(ask(handle, { action: 'resendEmail', kind: 'order_confirmation', ...by }))).toEqual({
      type: 'ActionRejected',
      message: 'there is no order_confirmation mail to resend for a awaiting_payment order',
    });
    const result = await ask(handle, { action: 'resendEmail', kind: 'konbini_instructions', ...by });
    expect(result.outcome).toBe('mail konbini_instructions sent again');
    const mails = h.calls(orderId).filter((c) => c.name === 'sendEmail').map((c) => c.args as { kind: string; resend?: string });
    expect(mails).toEqual([{ orderId, kind: 'konbini_instructions' }, { orderId, kind: 'konbini_instructions', resend: expect.any(String) }]);
    await ask(handle, { action: 'cancel', ...by });
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
  });
});

describe('on a closed checkout: a new run under the same workflow id', () => {
  function closed(status: OrderStatus, method = 'credit_card', noRefund = false) {
    const input = h.input({ noRefund }, method);
    const script = h.scripts.get(input.orderId)!;
    script.snapshot = { input, status, history: [{ at: '2026-01-01T00:00:00.000Z', status, reason: 'earlier run' }], reference: `sess_${input.orderId}`, paymentId: `pay_${input.orderId}` };
    const facts = { orderId: input.orderId, status, provider: 'komoju', method, waiting: false };
    const operate = (action: OperatorAction) =>
      h.env.client.workflow.executeUpdateWithStart(update(action), {
        args: [action],
        startWorkflowOperation: new WithStartWorkflowOperation(operateClosedCheckout, { workflowId: checkoutWorkflowId(input.orderId), taskQueue: h.taskQueue, args: [facts], workflowIdConflictPolicy: 'USE_EXISTING' }),
      });
    return { orderId: input.orderId, operate, handle: () => h.env.client.workflow.getHandle(checkoutWorkflowId(input.orderId)) };
  }

  test('refund a paid card order through the provider: seats back on sale, customer told, run ends', async () => {
    const { orderId, operate, handle } = closed('completed');
    const result = await operate({ action: 'refund', ...by });
    expect(result).toEqual({ orderId, action: 'refund', status: 'refunded', outcome: 'refunded through KOMOJU; the seats are back on sale' });
    expect(await handle().result()).toEqual({ status: 'refunded', reason: 'nothing to settle' });
    expect(h.names(orderId)).toEqual(expect.arrayContaining(['loadCheckout', 'refundPayment', 'releaseSeats', 'recordOperatorAction']));
    expect(h.moves(orderId)).toEqual(['refunded']);
    expect(h.emails(orderId)).toEqual(['refund_notice']);
  });

  test('a konbini refund is recorded as a bank transfer; without its reference it is refused', async () => {
    const { orderId, operate, handle } = closed('completed', 'konbini', true);
    expect(await refusal(operate({ action: 'refund', ...by }))).toEqual({
      type: 'ActionRejected',
      message: 'komoju konbini cannot refund by itself: refund by bank transfer and give its bankReference',
    });
    await handle().result(); // the run the refused request started ends by itself
    const result = await operate({ action: 'refund', bankReference: 'MUFG-2026-0001', ...by });
    expect(result.outcome).toBe('refunded by bank transfer MUFG-2026-0001; the seats are back on sale');
    expect(h.names(orderId)).not.toContain('refundPayment');
    expect(h.calls(orderId).find((c) => c.name === 'moveOrder')?.args).toMatchObject({ status: 'refunded', reason: 'refunded by bank transfer MUFG-2026-0001 (alice: customer called)' });
  });

  test('resolve a refund_required order by recording the bank transfer', async () => {
    const { orderId, operate } = closed('refund_required', 'konbini', true);
    expect(await operate({ action: 'resolveRefund', bankReference: 'MUFG-2026-0002', ...by })).toMatchObject({ status: 'refunded', outcome: 'refunded by bank transfer MUFG-2026-0002' });
    expect(h.moves(orderId)).toEqual(['refunded']);
  });

  test('reconcile an expired order the provider reports paid: seats held again and the order completed', async () => {
    const { orderId, operate, handle } = closed('expired');
    const result = await operate({ action: 'reconcile', ...by });
    expect(result).toMatchObject({ status: 'completed', outcome: 'KOMOJU says the payment is captured; the order is completed' });
    expect(await handle().result()).toEqual({ status: 'completed', reason: 'paid' });
    expect(h.names(orderId)).toEqual(expect.arrayContaining(['holdSeats', 'sellSeats', 'issueTickets']));
  });

  test('cancelling a completed order is refused: refund it instead', async () => {
    const { operate } = closed('completed');
    expect(await refusal(operate({ action: 'cancel', ...by }))).toEqual({ type: 'ActionRejected', message: 'the order is paid and completed: refund it instead' });
  });
});
