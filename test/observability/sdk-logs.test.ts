/** The SDK's log entries reach the pino logger of the worker whose task queue they name. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { SdkLogRouter } from '../../src/temporal/sdk-logs';

function capture() {
  const entries: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) entries.push(JSON.parse(line));
      done();
    },
  });
  return { entries, log: pino({ level: 'debug', redact: ['customer.email'] }, destination) };
}

test("a workflow's log.warn goes to its worker's logger, with the order id from the workflow id and no task token", () => {
  const [a, b] = [capture(), capture()];
  const router = new SdkLogRouter();
  router.route('queue-a', a.log);
  router.route('queue-b', b.log);
  router.warn('mail could not be sent', { sdkComponent: 'workflow', taskQueue: 'queue-a', workflowId: 'checkout-o-7', runId: 'r1', kind: 'order_confirmation' });
  router.debug('Activity completed', { sdkComponent: 'worker', taskQueue: 'queue-b', workflowId: 'checkout-o-8', activityType: 'moveOrder', taskToken: 'c2VjcmV0' });
  expect(a.entries).toEqual([expect.objectContaining({ level: 40, msg: 'mail could not be sent', workflowId: 'checkout-o-7', orderId: 'o-7', kind: 'order_confirmation' })]);
  expect(b.entries).toEqual([expect.objectContaining({ level: 20, orderId: 'o-8', activityType: 'moveOrder' })]);
  expect(b.entries[0]).not.toHaveProperty('taskToken');
});

test("an order id the entry names wins; an error becomes pino's err; Core's lines (no queue) go to the latest worker's logger", () => {
  const [a, b] = [capture(), capture()];
  const router = new SdkLogRouter();
  router.route('queue-a', a.log);
  router.route('queue-b', b.log);
  router.error('compensation failed', { taskQueue: 'queue-a', workflowId: 'reconcile-x', orderId: 'o-9', error: new Error('boom') });
  router.warn('Workflow task duration exceeded', { sdkComponent: 'core', target: 'temporal_sdk_core' });
  expect(a.entries[0]).toMatchObject({ orderId: 'o-9', err: { message: 'boom' } });
  expect(b.entries).toEqual([expect.objectContaining({ sdkComponent: 'core', msg: 'Workflow task duration exceeded' })]);
  expect(b.entries[0]).not.toHaveProperty('orderId');

  // A stopped worker's queue falls back too, to the worker still running.
  router.unroute('queue-b');
  router.info('Worker state changed', { taskQueue: 'queue-b', state: 'STOPPED' });
  expect(a.entries[1]).toMatchObject({ msg: 'Worker state changed', state: 'STOPPED' });
});
