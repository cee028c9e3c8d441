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
}

export const WORKFLOWS_PATH = path.join(__dirname, '../../workflows');

export async function createCheckoutWorker({ connection, namespace, taskQueue, deps, workflowBundle, codec }: CheckoutWorkerOptions): Promise<Worker> {
  const bundle = workflowBundle ?? freshPrebuiltBundle();
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(deps),
    dataConverter: { payloadCodecs: codec ? [codec] : [] },
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath: require.resolve(WORKFLOWS_PATH) }),
  });
}
