import { checkoutWorkflowId } from '../../src/temporal/ids';
import { checkout } from '../../workflows/checkout';
import { authorizedSignal, capturedSignal } from '../../workflows/messages';
import { eventually } from '../support/eventually';
import { workflowHarness, type WorkflowHarness } from './harness';

const COUNT = Number(process.env.KONBINI_MANY ?? 1000);
const DEADLINE_MS = Number(process.env.KONBINI_MANY_DEADLINE_MS ?? 150_000);
let h: WorkflowHarness;

// On the real dev server (the time-skipping server is not built for this load), with slips due
// in seconds. A cache far smaller than the number of waiting checkouts: each one is evicted
// while it waits and must come back from its history, not from the worker's memory.
beforeAll(async () => {
  h = await workflowHarness('many', { maxCachedWorkflows: 100, server: 'dev' });
});
afterAll(() => h?.stop());

test(`${COUNT} konbini checkouts waiting at once: the paid half completes, the rest expire`, async () => {
  const deadline = new Date(Date.now() + DEADLINE_MS).toISOString();
  const started = await Promise.all(
    Array.from({ length: COUNT }, async (_, n) => {
      const input = { ...h.input({}, 'konbini'), konbiniGraceMs: 1000 };
      const script = h.scripts.get(input.orderId)!;
      const payment = { paymentId: `pay_${n}`, status: 'authorized' as const, amount: 3000, currency: 'JPY', konbini: { store: 'seven-eleven', deadline } };
      script.payment = payment;
      const handle = await h.env.client.workflow.start(checkout, { taskQueue: h.taskQueue, workflowId: checkoutWorkflowId(input.orderId), args: [input] });
      await handle.signal(authorizedSignal, { eventId: `auth_${n}`, source: 'webhook', paymentId: payment.paymentId });
      return { handle, orderId: input.orderId, script, payment, pays: n % 2 === 0 };
    }),
  );

  // Every one of them is waiting for the store before anybody pays.
  await eventually(
    async () => started.filter(({ orderId }) => h.emails(orderId).includes('konbini_instructions')).length,
    (waiting) => waiting === COUNT,
    DEADLINE_MS,
  );

  for (const run of started.filter((r) => r.pays)) {
    run.script.payment = { ...run.payment, status: 'captured' };
    await run.handle.signal(capturedSignal, { eventId: `cap_${run.orderId}`, source: 'webhook', paymentId: run.payment.paymentId });
  }
  const outcomes = await Promise.all(started.map((run) => run.handle.result()));

  const completed = outcomes.filter((o) => o.status === 'completed').length;
  const expired = outcomes.filter((o) => o.status === 'expired').length;
  expect(completed).toBe(COUNT / 2);
  expect(expired).toBe(COUNT / 2);
  for (const [i, run] of started.entries()) {
    expect(outcomes[i].status).toBe(run.pays ? 'completed' : 'expired');
    expect(h.emails(run.orderId)).toEqual(['konbini_instructions', run.pays ? 'order_confirmation' : 'payment_expired']);
  }
  expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(deadline) + 1000);
}, 600_000);
