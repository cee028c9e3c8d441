/** `npm run worker`: one Temporal worker for the checkout task queue (scale by running more). */
import { runMain } from './entry';
import { createMetrics } from './metrics';
import { serveMetrics } from './metrics-server';
import { startWorker } from './runtime';
import { DEFAULT_PORTS } from './stack/ports';

runMain('worker', async (config, log) => {
  // Its own /metrics: no API runs in this process to show the worker's counters and the SDK's.
  const metrics = createMetrics();
  const listener = config.workerMetricsPort ? await serveMetrics(metrics, config.workerMetricsPort) : undefined;
  const worker = await startWorker(
    config,
    {
      temporalAddress: config.temporal.address ?? `127.0.0.1:${DEFAULT_PORTS.temporal}`,
      mongoUri: config.mongo.uri ?? `mongodb://127.0.0.1:${DEFAULT_PORTS.mongo}`,
      smtpUrl: config.smtp.url ?? `smtp://127.0.0.1:${DEFAULT_PORTS.smtp}`,
    },
    log,
    { metrics },
  );
  log.info({ taskQueue: config.temporal.taskQueue, metrics: listener?.url ?? 'off' }, 'worker running');
  worker.done.catch((err) => {
    log.error({ err }, 'worker stopped');
    process.exit(1);
  });
  return async () => {
    await worker.close();
    await listener?.close();
  };
});
