import path from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { freshPrebuiltBundle } from './workflow-bundle';

export interface CheckoutWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests); else `npm run build`'s while it matches the compiled code, else one made from source at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The payload encryption; the API's client must use the same keys. */
  codec?: PayloadCodec;
  /**
   * Runs kept in memory between tasks. Each costs the worker a few hundred KB, and most checkouts
   * wait (a konbini slip for days): a bounded cache keeps memory flat however many wait, and a
   * run woken after eviction replays its short history (a few milliseconds).
   */
  cachedWorkflows?: number;
}

export const WORKFLOWS_PATH = path.join(__dirname, '../../workflows');

/**
 * The environment a worker process is best run with (docker-compose.yml sets it; set it where
 * you run `npm run worker`). Node's defaults suit a short burst, not a process that stays up
 * with thousands of checkouts waiting: glibc gives each of the SDK's native threads its own
 * malloc arena, and V8's young generation grows to 16 MB per semi-space in each of the worker's
 * two isolates. With these, a worker with 1,000 konbini checkouts waiting settled at 250–340 MB
 * instead of 380–580 MB (BENCHMARKS.md).
 */
export const WORKER_PROCESS_ENV = { MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-semi-space-size=2' } as const;

export async function createCheckoutWorker({ connection, namespace, taskQueue, deps, workflowBundle, codec, cachedWorkflows }: CheckoutWorkerOptions): Promise<Worker> {
  const bundle = workflowBundle ?? freshPrebuiltBundle();
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(deps),
    dataConverter: { payloadCodecs: codec ? [codec] : [] },
    ...(cachedWorkflows ? { maxCachedWorkflows: cachedWorkflows, maxConcurrentWorkflowTaskExecutions: Math.min(40, cachedWorkflows) } : {}),
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath: require.resolve(WORKFLOWS_PATH) }),
  });
}
