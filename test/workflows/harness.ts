import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { CheckoutInput } from '../../src/domain/checkout';
import { checkoutInput } from '../support/fixtures';
import { checkoutWorkflowId } from '../../src/temporal/messages';
import { checkout } from '../../workflows/checkout';
import { openCheckoutUpdate } from '../../src/temporal/messages';
import { workflowBundle } from '../support/bundle';
import { createTimeSkippingEnv, testServers } from '../support/servers';
import { fakeActivities, type Call, type Script } from './fake-activities';

/**
 * One worker on fake activities, for one test file: on the time-skipping server (timers of days
 * pass at once), or on the shared dev server (`server: 'dev'`, for load the test server is not
 * built for).
 */
export async function workflowHarness(name: string, workerOptions: { maxCachedWorkflows?: number; server?: 'dev' } = {}) {
  const { server, ...options } = workerOptions;
  const taskQueue = `checkout-${name}-${process.pid}-${Date.now().toString(36)}`;
  const env: TestWorkflowEnvironment =
    server === 'dev'
      ? await TestWorkflowEnvironment.createFromExistingServer({ address: testServers().temporalAddress, namespace: testServers().namespace })
      : await createTimeSkippingEnv();
  const scripts = new Map<string, Script>();
  const calls = new Map<string, Call[]>();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: fakeActivities(scripts, calls),
    ...options,
  });
  const running = worker.run();
  let seq = 0;

  const input = (script: Script = {}, method = 'credit_card'): CheckoutInput => {
    const orderId = `${name}-${++seq}`;
    scripts.set(orderId, script);
    return checkoutInput(orderId, { payment: { provider: 'komoju', method } });
  };
  const of = (orderId: string) => calls.get(orderId) ?? [];

  return {
    env,
    taskQueue,
    scripts,
    input,
    /** Starts a checkout and waits for its redirect, as `POST /checkouts` does. */
    async open(script: Script = {}, method?: string) {
      const args = input(script, method);
      const handle = await env.client.workflow.start(checkout, { taskQueue, workflowId: checkoutWorkflowId(args.orderId), args: [args] });
      const opened = await handle.executeUpdate(openCheckoutUpdate, { args: ['hash-1'] });
      return { handle, opened, orderId: args.orderId, script: scripts.get(args.orderId)! };
    },
    calls: of,
    names: (orderId: string) => of(orderId).map((c) => c.name),
    emails: (orderId: string) => of(orderId).filter((c) => c.name === 'sendEmail').map((c) => (c.args as { kind: string }).kind),
    moves: (orderId: string) => of(orderId).filter((c) => c.name === 'moveOrder').map((c) => (c.args as { status: string }).status),
    async stop() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
export type WorkflowHarness = Awaited<ReturnType<typeof workflowHarness>>;
