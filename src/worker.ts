/** `npm run worker`: one Temporal worker for the checkout task queue (scale by running more). */
import { runMain } from './entry';
import { startWorker } from './runtime';
import { DEFAULT_PORTS } from './stack/ports';

runMain('worker', async (config, log) => {
  const worker = await startWorker(
    config,
    {
      temporalAddress: config.temporal.address ?? `127.0.0.1:${DEFAULT_PORTS.temporal}`,
      mongoUri: config.mongo.uri ?? `mongodb://127.0.0.1:${DEFAULT_PORTS.mongo}`,
      smtpUrl: config.smtp.url ?? `smtp://127.0.0.1:${DEFAULT_PORTS.smtp}`,
    },
    log,
  );
  log.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  worker.done.catch((err) => {
    log.error({ err }, 'worker stopped');
    process.exit(1);
  });
  return () => worker.close();
});
