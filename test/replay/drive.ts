/**
 * What the recorded paths share: starting checkouts (KOMOJU card or konbini, Resurs), a konbini
 * slip, a closed order reopened for late money or an operator, and waiting for a state. Fixture
 * values only (a@example.com): the histories are committed in plain text.
 */
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { CheckoutInput, OrderStatus } from '../../src/domain/checkout';
import type { ActionResult, OperatorAction } from '../../src/domain/operations';
import { authorizedSignal, capturedSignal, checkoutWorkflowId, openCheckoutUpdate, operatorUpdates, statusQuery } from '../../src/temporal/messages';
import { checkout } from '../../workflows/checkout';
import { operateClosedCheckout, settleLatePayment } from '../../workflows/late-payment';
import { eventually } from '../support/eventually';
import { konbiniSlip } from '../support/fixtures';
import type { Script } from '../workflows/fake-activities';
import type { WorkflowHarness } from '../workflows/harness';

export const DAY = 86_400_000;
export const by = { operator: 'alice', reason: 'customer called' };

/** One checkout path: drives a run to the state its history is recorded in. */
export type Drive = (h: WorkflowHarness) => Promise<WorkflowHandle>;

/** A Resurs Bank invoice checkout (the harness's own inputs are KOMOJU's). */
function resursInput(h: WorkflowHarness, script: Script): CheckoutInput {
  return { ...h.input(script), payment: { provider: 'resurs', method: 'INVOICE', flow: 'simplified' } };
}

/** Starts a checkout and waits for its answer, as `POST /checkouts` does (the answer may be a refusal). */
export async function open(h: WorkflowHarness, args: CheckoutInput) {
  const handle = await h.env.client.workflow.start(checkout, { taskQueue: h.taskQueue, workflowId: checkoutWorkflowId(args.orderId), args: [args] });
  await handle.executeUpdate(openCheckoutUpdate, { args: [args.requestHash] }).catch(() => undefined);
  return { handle, orderId: args.orderId, script: h.scripts.get(args.orderId)! };
}

export const card = (h: WorkflowHarness, script: Script = {}) => open(h, h.input(script));
export const resurs = (h: WorkflowHarness, script: Script = {}) => open(h, resursInput(h, script));

/** A Resurs booking as the provider module reports it. */
export const booked = (orderId: string, status: 'authorized' | 'denied' | 'pending' = 'authorized') => ({
  paymentId: orderId,
  status,
  amount: 3000,
  currency: 'JPY',
  owner: { orderId: null, reference: `sess_${orderId}` },
});

/** A review hold of three days from now (Resurs fraud control: "frozen"). */
export async function review(h: WorkflowHarness) {
  const settleBy = new Date((await h.env.currentTimeMs()) + 3 * DAY).toISOString();
  return { kind: 'review', reason: 'under review', settleBy, notice: 'payment_under_review' as const, lapse: 'cancelled' as const };
}

export async function statusOf(handle: WorkflowHandle, status: OrderStatus): Promise<void> {
  await eventually(async () => (await handle.query(statusQuery)).status, (now) => now === status);
}

/** A konbini slip issued at the store, the checkout waiting for it (awaiting_payment). */
export async function issueSlip(h: WorkflowHarness) {
  const opened = await open(h, h.input({}, 'konbini'));
  const deadline = new Date((await h.env.currentTimeMs()) + 3 * DAY).toISOString();
  const payment = konbiniSlip(opened.orderId, `pay_${opened.orderId}`, deadline);
  opened.script.payment = payment;
  await opened.handle.signal(authorizedSignal, { eventId: `evt_auth_${opened.orderId}`, source: 'webhook', paymentId: payment.paymentId! });
  await statusOf(opened.handle, 'awaiting_payment');
  return { ...opened, payment };
}

/** Money for a konbini order that expired: signal-with-start on the same workflow id. */
export async function latePayment(h: WorkflowHarness, soldOut: boolean): Promise<WorkflowHandle> {
  const input = h.input({ soldOut, noRefund: true }, 'konbini');
  const payment = konbiniSlip(input.orderId, `pay_${input.orderId}`, new Date((await h.env.currentTimeMs()) - DAY).toISOString());
  const script = h.scripts.get(input.orderId)!;
  script.payment = { ...payment, status: 'captured' };
  script.snapshot = { input, status: 'expired', history: [{ at: '2026-01-01T00:00:00.000Z', status: 'expired', reason: 'payment deadline passed' }], reference: `sess_${input.orderId}`, paymentId: payment.paymentId };
  const handle = await h.env.client.workflow.signalWithStart(settleLatePayment, {
    workflowId: checkoutWorkflowId(input.orderId),
    taskQueue: h.taskQueue,
    args: [input.orderId],
    signal: capturedSignal,
    signalArgs: [{ eventId: 'evt_late', source: 'webhook', paymentId: payment.paymentId! }],
  });
  return handle;
}

export function operatorUpdate(action: OperatorAction): UpdateDefinition<ActionResult, [OperatorAction]> {
  return operatorUpdates[action.action] as UpdateDefinition<ActionResult, [OperatorAction]>;
}

export const ask = (handle: WorkflowHandle, action: OperatorAction) => handle.executeUpdate(operatorUpdate(action), { args: [action] });

/** An operator acts on an order whose run has ended: update-with-start of a new run, which then ends. */
export async function operateClosed(h: WorkflowHarness, status: OrderStatus, action: OperatorAction, method = 'credit_card'): Promise<WorkflowHandle> {
  const input = h.input({ noRefund: method === 'konbini' }, method);
  const script = h.scripts.get(input.orderId)!;
  script.snapshot = { input, status, history: [{ at: '2026-01-01T00:00:00.000Z', status, reason: 'earlier run' }], reference: `sess_${input.orderId}`, paymentId: `pay_${input.orderId}` };
  const facts = { orderId: input.orderId, status, provider: 'komoju', method, waiting: false };
  const workflowId = checkoutWorkflowId(input.orderId);
  await h.env.client.workflow.executeUpdateWithStart(operatorUpdate(action), {
    args: [action],
    startWorkflowOperation: new WithStartWorkflowOperation(operateClosedCheckout, { workflowId, taskQueue: h.taskQueue, args: [facts], workflowIdConflictPolicy: 'USE_EXISTING' }),
  });
  return h.env.client.workflow.getHandle(workflowId);
}
