import { checkoutWorkflowId } from '../../src/temporal/messages';
import { checkout } from '../../workflows/checkout';
import { authorizedSignal, capturedSignal } from '../../src/temporal/messages';
import { eventually } from '../support/eventually';
import { konbiniSlip } from '../support/fixtures';
import { workflowHarness, type WorkflowHarness } from './harness';

const COUNT = Number(process.env.KONBINI_MANY ?? 1000);
const DEADLINE_MS = 90_000;
let h: WorkflowHarness;

// On the real dev server (the time-skipping server is not built for this load). The half that
// will pay has a slip due tomorrow, so a slow machine cannot make it expire first; the other
// half's slips are due in 90 s. The workflow cache is far smaller than the number of waiting
// checkouts: each is evicted while it waits and must come back from its history.
beforeAll(async () => {
  h = await workflowHarness('many', { maxCachedWorkflows: 100, server: 'dev' });
});
afterAll(() => h?.stop());

test(`${COUNT} konbini checkouts waiting at once: the paid half completes, the rest expire`, async () => {
  const soon = new Date(Date.now() + DEADLINE_MS).toISOString();
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  const started = await Promise.all(
    Array.from({ length: COUNT }, async (_, n) => {
      const input = h.input({}, 'konbini');
      const script = h.scripts.get(input.orderId)!;
      const pays = n % 2 === 0;
      const deadline = pays ? tomorrow : soon;
      const payment = konbiniSlip(input.orderId, `pay_${n}`, deadline, 1000);
      script.payment = payment;
      const handle = await h.env.client.workflow.start(checkout, { taskQueue: h.taskQueue, workflowId: checkoutWorkflowId(input.orderId), args: [input] });
      await handle.signal(authorizedSignal, { eventId: `auth_${n}`, source: 'webhook', paymentId: payment.paymentId! });
      return { handle, orderId: input.orderId, script, payment, pays };
    }),
  );

  // Every one has its slip (and its instructions mail) before anybody pays.
  await eventually(
    async () => started.filter(({ orderId }) => h.emails(orderId).includes('konbini_instructions')).length,
    (waiting) => waiting === COUNT,
    540_000, // a wait for state, not a speed limit: 2-core machines took 250-450 s for the whole test
  );

  for (const run of started.filter((r) => r.pays)) {
    run.script.payment = { ...run.payment, status: 'captured' };
    await run.handle.signal(capturedSignal, { eventId: `cap_${run.orderId}`, source: 'webhook', paymentId: run.payment.paymentId! });
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
  expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(soon) + 1000); // none expired before its deadline + grace
}, 900_000);
