/** The raw engine on the same server: the baseline workflow driven through the Temporal client. */
import { Client, Connection } from '@temporalio/client';
import { checkoutWorkflowId } from '../src/temporal/messages';
import { BARE_TASK_QUEUE } from './bare-worker';

export interface Engine {
  client: Client;
  /** One baseline run: start, signal (timed), wait for the end. */
  bareCheckout(id: string, before: number, after: number): Promise<{ endToEndMs: number; signalMs: number }>;
  close(): Promise<void>;
}

export async function connectEngine(address: string): Promise<Engine> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  return {
    client,
    async bareCheckout(id, before, after) {
      const started = performance.now();
      const handle = await client.workflow.start('bareCheckout', { taskQueue: BARE_TASK_QUEUE, workflowId: id, args: [before, after] });
      const signalling = performance.now();
      await handle.signal('paid');
      const signalMs = performance.now() - signalling;
      await handle.result();
      return { endToEndMs: performance.now() - started, signalMs };
    },
    close: () => connection.close(),
  };
}

/** What one checkout's history holds: activities (regular or local), signals and updates. */
export async function shapeOf(client: Client, orderId: string): Promise<{ activities: number; local: number; signals: number; updates: number; tasks: number; events: number }> {
  const history = await client.workflow.getHandle(checkoutWorkflowId(orderId)).fetchHistory();
  const events = history.events ?? [];
  const count = (test: (e: (typeof events)[number]) => boolean) => events.filter(test).length;
  return {
    activities: count((e) => Boolean(e.activityTaskScheduledEventAttributes)),
    local: count((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
    signals: count((e) => Boolean(e.workflowExecutionSignaledEventAttributes)),
    updates: count((e) => Boolean(e.workflowExecutionUpdateAcceptedEventAttributes)),
    tasks: count((e) => Boolean(e.workflowTaskCompletedEventAttributes)),
    events: events.length,
  };
}
