import path from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';

export interface CheckoutWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (production, tests); development bundles from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The payload encryption; the API's client must use the same keys. */
  codec?: PayloadCodec;
}

export const WORKFLOWS_PATH = path.join(__dirname, '../../workflows');

export async function createCheckoutWorker({ connection, namespace, taskQueue, deps, workflowBundle, codec }: CheckoutWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(deps),
    dataConverter: { payloadCodecs: codec ? [codec] : [] },
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve(WORKFLOWS_PATH) }),
  });
}
