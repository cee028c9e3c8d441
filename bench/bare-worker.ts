/** The baseline's worker (a process of its own, as the checkout worker is): `node dist/bench/bare-worker.js`. */
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './bare-activities';

export const BARE_TASK_QUEUE = 'bench-bare';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({ connection, taskQueue: BARE_TASK_QUEUE, workflowsPath: require.resolve('./bare-workflow'), activities });
  process.once('SIGTERM', () => worker.shutdown());
  console.log('bare worker running');
  await worker.run();
  await connection.close();
}

if (require.main === module) void main();
