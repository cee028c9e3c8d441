/**
 * `npm start`: the whole product in one process tree — Temporal dev server with its UI, a
 * MongoDB-wire server, an SMTP capture, the KOMOJU sandbox, the worker and the API — each
 * embedded unless the environment points at a real one.
 */
import type { Router } from 'express';
import { KOMOJU_SANDBOX_PATH, RESURS_SANDBOX_PATH, type Config } from './config';
import { offerDemoEvent } from './demo-event';
import { runMain } from './entry';
import type * as Runtime from './runtime';
import { startEmbeddedStack } from './stack';
import { openPayloadEncryption, type PayloadEncryption } from './temporal/payload-keys';

runMain('checkout-sagas', async (config, log) => {
  const phases = startupPhases();
  // Opened once first, so the local key is made before the worker and the API read it.
  const encryption = openPayloadEncryption(config);
  const uiCodecEndpoint = encryption ? `http://localhost:${config.port}/codec` : undefined;
  // The worker's and the API's modules (~1 s to load) load while the servers boot.
  let runtime: Promise<typeof Runtime> | undefined;
  const whileBooting = () => void (runtime = import('./runtime')).catch(() => undefined); // awaited below
  const stack = await startEmbeddedStack(config, { info: (line) => log.info(line) }, { uiCodecEndpoint, whileBooting });
  phases.done('stack', stack.readyMs);
  try {
    const { startApi, startWorker } = await (runtime ?? import('./runtime'));
    const worker = await startWorker(config, stack, log);
    phases.done('worker');
    worker.done.catch((err) => {
      log.error({ err }, 'worker stopped; exiting');
      process.kill(process.pid, 'SIGTERM');
    });
    const { mailOutboxRouter } = await import('./stack/mail-outbox');
    const mounts: Array<[string, Router]> = stack.mailDir ? [['/sandbox/mail', mailOutboxRouter(stack.mailDir)]] : [];
    // One process: the API's /metrics shows the worker's counters and the Temporal SDK's too.
    const api = await startApi(withUiOrigins(config, stack.temporalUiUrl), stack, log, { mounts, metrics: worker.metrics });
    phases.done('api');
    await offerDemoEvent(config, api.url, log);
    phases.done('demo');
    log.info(phases.summary());
    const ready = [
      '',
      'checkout-sagas is running:',
      // With API_TOKEN only the shop's server may create checkouts: the shop runs its own storefront.
      `${label('Storefront')}${config.apiToken ? `${config.publicUrl}/orders/{orderId} (order pages only: API_TOKEN is set)` : `${config.publicUrl}/`}`,
      `${label('API')}${config.publicUrl}${api.url === config.publicUrl ? '' : `  (listening on ${api.url})`}`,
      `${label('Temporal UI')}${stack.temporalUiUrl ?? '(external Temporal: use its own UI)'}`,
      `${label('Temporal payloads')}${payloadLine(encryption)}`,
      providerLine('KOMOJU', config.komoju, `${config.publicUrl}${KOMOJU_SANDBOX_PATH}`, 'KOMOJU_API_URL'),
      providerLine('Resurs Bank', config.resurs, `${config.publicUrl}${RESURS_SANDBOX_PATH}`, 'RESURS_API_URL'),
      `${label('Mail')}${stack.mailDir ? `${config.publicUrl}/sandbox/mail` : `(sent through ${config.smtp.url})`}`,
      `${label('Data')}${config.dataDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n');
    console.log(ready);
    return async () => {
      await api.close();
      await worker.close();
      await stack.stop();
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}, { pretty: true }); // a person at a terminal: readable lines (`npm run api|worker` keep JSON)

/**
 * How long each step of the start took (ms since this process started): one log line such as
 * `started in 4200 ms: load=700 stack=2100 (temporal=2100 mongo=900 smtp=15) worker=900 api=300 demo=200`.
 */
function startupPhases() {
  const parts: string[] = [`load=${Math.round(performance.now())}`];
  let last = performance.now();
  return {
    done(name: string, detail?: Record<string, number>) {
      const now = performance.now();
      const inner = detail && Object.keys(detail).length ? ` (${Object.entries(detail).map(([k, v]) => `${k}=${v}`).join(' ')})` : '';
      parts.push(`${name}=${Math.round(now - last)}${inner}`);
      last = now;
    },
    summary: () => `started in ${Math.round(performance.now())} ms: ${parts.join(' ')}`,
  };
}

/** One aligned line of the ready message. */
const label = (text: string) => `  ${text.padEnd(20)}`;

/** The embedded Temporal UI, under either loopback name, may decode payloads through this API. */
function withUiOrigins(config: Config, uiUrl: string | undefined): Config {
  if (!uiUrl) return config;
  const { port } = new URL(uiUrl);
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  return { ...config, payload: { ...config.payload, codecOrigins: [...config.payload.codecOrigins, ...origins] } };
}

function payloadLine(encryption: PayloadEncryption | undefined): string {
  if (!encryption) return 'not encrypted (PAYLOAD_ENCRYPTION=off)';
  const { codec, source } = encryption;
  return codec.options.encrypt ? `encrypted with key ${codec.keyId} (${source})` : `not encrypted (PAYLOAD_ENCRYPTION=off); older ones decrypt with ${source}`;
}

/** What serves a provider: the built-in sandbox (its operator pages), the real API, or nothing. */
function providerLine(name: string, provider: Config['komoju'] | Config['resurs'], sandboxPage: string, urlVariable: string): string {
  if (provider.sandbox) return `${label(`${name} sandbox`)}${sandboxPage}`;
  if (provider.enabled) return `${label(name)}${provider.apiUrl}`;
  return `${label(name)}disabled (set ${urlVariable}, or ENABLE_SANDBOXES=true for the sandbox)`;
}
