/** `npm run api`: the HTTP API alone, against the servers named by the environment. */
import { runMain } from './entry';
import { startApi } from './runtime';
import { DEFAULT_PORTS } from './stack/ports';

runMain('api', async (config, log) => {
  const api = await startApi(
    config,
    {
      temporalAddress: config.temporal.address ?? `127.0.0.1:${DEFAULT_PORTS.temporal}`,
      mongoUri: config.mongo.uri ?? `mongodb://127.0.0.1:${DEFAULT_PORTS.mongo}`,
    },
    log,
  );
  log.info({ url: api.url }, 'API listening');
  return () => api.close();
});
