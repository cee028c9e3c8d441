/**
 * Every checkout path whose history is kept under test/replay/histories/ (one file per path,
 * named by its key) and replayed by replay.test.ts. Paths that end in `awaiting_payment` are
 * recorded mid-flight, as a worker deployed tomorrow would find them.
 */
import { authorizedSignal, cancelledSignal, capturedSignal, signedSignal } from '../../src/temporal/messages';
import type { Script } from '../workflows/fake-activities';
import type { WorkflowHarness } from '../workflows/harness';
import type { CheckoutOutcome } from '../../workflows/order';
import { ask, booked, by, card, DAY, issueSlip, latePayment, operateClosed, resurs, review, statusOf, type Drive } from './drive';

/** A path: how to drive it, and the order's status its run ends with ("awaiting_payment": recorded still running). */
export interface CheckoutPath {
  ends: CheckoutOutcome['status'];
  drive: Drive;
}

const path = (ends: CheckoutPath['ends'], drive: Drive): CheckoutPath => ({ ends, drive });

/** A Resurs booking held for fraud review ("frozen"); every lookup says so until the script changes. */
async function frozen(h: WorkflowHarness): Promise<Script> {
  const held = { ...booked('x', 'pending'), pending: await review(h) };
  return { started: { nextAction: { type: 'none' }, decided: held }, payment: held };
}

export const PATHS: Record<string, CheckoutPath> = {
  // KOMOJU card
  'card-paid': path('completed', async (h) => {
    const { handle } = await card(h);
    await handle.signal(capturedSignal, { eventId: 'evt_cap', source: 'webhook', paymentId: 'pay_1' });
    return handle;
  }),
  'card-cancelled': path('cancelled', async (h) => {
    const { handle } = await card(h);
    await handle.signal(cancelledSignal, { eventId: 'cancel:api', source: 'api' });
    return handle;
  }),
  'card-timed-out': path('cancelled', async (h) => (await card(h)).handle),
  'card-authorized-then-captured': path('completed', async (h) => {
    const { handle } = await card(h, { provider: () => ({ paymentId: 'pay_auth', status: 'authorized' }) });
    await handle.signal(authorizedSignal, { eventId: 'evt_auth', source: 'webhook', paymentId: 'pay_auth' });
    return handle;
  }),
  'card-tickets-failed-refunded': path('refunded', async (h) => {
    const { handle } = await card(h, { ticketsFail: true });
    await handle.signal(capturedSignal, { eventId: 'evt_cap', source: 'webhook', paymentId: 'pay_1' });
    return handle;
  }),
  'card-sold-out': path('rejected', async (h) => (await card(h, { soldOut: true })).handle),
  'card-provider-down': path('cancelled', async (h) => (await card(h, { startFails: 'always' })).handle),

  // KOMOJU konbini: days between the slip and the money
  'konbini-waiting': path('awaiting_payment', async (h) => (await issueSlip(h)).handle),
  'konbini-paid': path('completed', async (h) => {
    const { handle, script, payment } = await issueSlip(h);
    await h.env.sleep(DAY);
    script.payment = { ...payment, status: 'captured' };
    await handle.signal(capturedSignal, { eventId: 'evt_cap', source: 'webhook', paymentId: payment.paymentId! });
    return handle;
  }),
  'konbini-expired': path('expired', async (h) => (await issueSlip(h)).handle),
  'konbini-cancelled': path('cancelled', async (h) => {
    const { handle } = await issueSlip(h);
    await handle.signal(cancelledSignal, { eventId: 'cancel:api', source: 'api' });
    return handle;
  }),
  'konbini-late-paid': path('completed', (h) => latePayment(h, false)),
  'konbini-late-sold-out': path('refund_required', (h) => latePayment(h, true)),

  // Resurs Bank: signing, bookings decided at once, fraud review ("frozen")
  'resurs-signed': path('completed', async (h) => {
    const { handle, orderId, script } = await resurs(h);
    script.provider = () => booked(orderId);
    await handle.signal(signedSignal, { eventId: `return:${orderId}:signed`, source: 'return' });
    return handle;
  }),
  'resurs-signed-never-returned': path('completed', async (h) => {
    const { handle, orderId, script } = await resurs(h);
    script.provider = () => booked(orderId);
    await handle.signal(authorizedSignal, { eventId: `resurs:BOOKED:${orderId}`, source: 'webhook' });
    return handle;
  }),
  'resurs-abandoned': path('cancelled', async (h) => (await resurs(h)).handle),
  'resurs-booked-at-once': path('completed', async (h) => (await resurs(h, { started: { nextAction: { type: 'none' }, decided: booked('x') } })).handle),
  'resurs-denied': path('cancelled', async (h) => (await resurs(h, { started: { nextAction: { type: 'none' }, decided: { ...booked('x', 'denied'), reason: 'denied by the bank' } } })).handle),
  'resurs-frozen-waiting': path('awaiting_payment', async (h) => {
    const { handle } = await resurs(h, await frozen(h));
    await statusOf(handle, 'awaiting_payment');
    return handle;
  }),
  'resurs-frozen-thawed': path('completed', async (h) => {
    const { handle, orderId, script } = await resurs(h, await frozen(h));
    await statusOf(handle, 'awaiting_payment');
    await h.env.sleep(DAY);
    script.payment = booked(orderId);
    await handle.signal(authorizedSignal, { eventId: `resurs:AUTOMATIC_FRAUD_CONTROL:${orderId}:THAWED`, source: 'webhook' });
    return handle;
  }),
  'resurs-frozen-never-decided': path('cancelled', async (h) => (await resurs(h, await frozen(h))).handle),

  // Operators, on a running checkout (updates) and on a closed one (a new run, same workflow id)
  'operator-cancel-running': path('cancelled', async (h) => {
    const { handle } = await card(h);
    await ask(handle, { action: 'cancel', ...by });
    return handle;
  }),
  'operator-extend-deadline': path('expired', async (h) => {
    const { handle, payment } = await issueSlip(h);
    await ask(handle, { action: 'extendDeadline', until: new Date(Date.parse(payment.pending.settleBy) + 2 * DAY).toISOString(), ...by });
    return handle;
  }),
  'operator-mark-paid': path('completed', async (h) => {
    const { handle, script, payment } = await issueSlip(h);
    await ask(handle, { action: 'markPaid', paymentReference: payment.paymentId!, ...by }).catch(() => undefined); // still pending: fails
    script.payment = { ...payment, status: 'captured' };
    await ask(handle, { action: 'markPaid', paymentReference: payment.paymentId!, ...by });
    return handle;
  }),
  'operator-resend-email': path('cancelled', async (h) => {
    const { handle } = await issueSlip(h);
    await ask(handle, { action: 'resendEmail', kind: 'konbini_instructions', ...by });
    await ask(handle, { action: 'cancel', ...by });
    return handle;
  }),
  'operator-refund-closed': path('refunded', (h) => operateClosed(h, 'completed', { action: 'refund', ...by })),
  'operator-bank-refund-closed': path('refunded', (h) => operateClosed(h, 'completed', { action: 'refund', bankReference: 'MUFG-2026-0001', ...by }, 'konbini')),
  'operator-resolve-refund-closed': path('refunded', (h) => operateClosed(h, 'refund_required', { action: 'resolveRefund', bankReference: 'MUFG-2026-0002', ...by }, 'konbini')),
  'operator-reconcile-closed': path('completed', (h) => operateClosed(h, 'expired', { action: 'reconcile', ...by })),
};
