/**
 * Providers that book first and capture later (Resurs Bank): signing, bookings decided at once,
 * a fraud review, and the resync after capture — all through the generic seam, on fake activities.
 */
import type { ProviderPayment } from '../../src/providers/types';
import { authorizedSignal, signedSignal, statusQuery } from '../../src/temporal/messages';
import { workflowHarness, type WorkflowHarness } from './harness';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await workflowHarness('signing');
});
afterAll(() => h?.stop());

const booked = (orderId: string, extra: Partial<ProviderPayment> = {}): ProviderPayment => ({
  paymentId: orderId,
  status: 'authorized',
  amount: 3000,
  currency: 'JPY',
  owner: { orderId: null, reference: `sess_${orderId}` },
  ...extra,
});

test('the customer signed: the provider\'s follow-up call books it, the workflow captures it, the order completes', async () => {
  const { handle, orderId, script } = await h.open();
  script.provider = () => booked(orderId);
  await handle.signal(signedSignal, { eventId: `return:${orderId}:signed`, source: 'return' });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  const names = h.names(orderId);
  expect(names.indexOf('confirmSignedPayment')).toBeLessThan(names.indexOf('capturePayment'));
  expect(names.indexOf('capturePayment')).toBeLessThan(names.indexOf('sellSeats'));
  expect(h.emails(orderId)).toEqual(['order_confirmation']);
});

test('booked at once (no signing): captured without waiting for anyone', async () => {
  const { handle, orderId } = await h.open({ started: { nextAction: { type: 'none' }, decided: booked('x') } });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(h.names(orderId)).toContain('capturePayment');
  expect(h.names(orderId)).not.toContain('lookupPayment');
});

test('denied at once: cancelled with the provider\'s reason, seats released, no mail', async () => {
  const { handle, orderId, opened } = await h.open({ started: { nextAction: { type: 'none' }, decided: booked('x', { status: 'denied', reason: 'denied by the bank' }) } });
  expect(opened.nextAction).toEqual({ type: 'none' });
  expect(await handle.result()).toEqual({ status: 'cancelled', reason: 'decided by the provider at once: denied by the bank' });
  expect(h.names(orderId)).toContain('releaseSeats');
  expect(h.emails(orderId)).toEqual([]);
});

test('frozen for review, then thawed: awaiting_payment with a review mail, then captured and completed', async () => {
  const settleBy = new Date((await h.env.currentTimeMs()) + 3 * 86_400_000).toISOString();
  const review = { kind: 'review', reason: 'under review', settleBy, notice: 'payment_under_review' as const, lapse: 'cancelled' as const };
  const { handle, orderId, script } = await h.open({ started: { nextAction: { type: 'none' }, decided: booked('x', { status: 'pending', pending: review }) } });
  await h.env.sleep(86_400_000);
  expect(await handle.query(statusQuery)).toMatchObject({ status: 'awaiting_payment', statusCode: 5, payment: { pending: { kind: 'review' } } });
  script.provider = () => booked(orderId); // thawed: booked and debitable
  await handle.signal(authorizedSignal, { eventId: 'resurs:AUTOMATIC_FRAUD_CONTROL:x:THAWED', source: 'webhook' });
  expect(await handle.result()).toEqual({ status: 'completed', reason: 'paid' });
  expect(h.moves(orderId)).toEqual(['awaiting_payment', 'completed']);
  expect(h.emails(orderId)).toEqual(['payment_under_review', 'order_confirmation']);
});

test('the resync after capture finds another amount: the money goes back (credit), never a completed order', async () => {
  const { handle, orderId } = await h.open({ started: { nextAction: { type: 'none' }, decided: booked('x') }, captured: { amount: 2500 } });
  expect(await handle.result()).toEqual({ status: 'refunded', reason: 'completion_failed' });
  expect(h.names(orderId)).toContain('refundPayment');
  expect(h.names(orderId)).not.toContain('issueTickets');
  expect(h.moves(orderId)).toEqual(['refunded']);
});
