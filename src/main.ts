/**
 * `npm start`: the whole product in one process tree — Temporal dev server with its UI, a
 * MongoDB-wire server, an SMTP capture, the KOMOJU sandbox, the worker and the API — each
 * embedded unless the environment points at a real one.
 */
import type { Router } from 'express';
import { KOMOJU_SANDBOX_PATH, RESURS_SANDBOX_PATH, type Config } from './config';
import { offerDemoEvent } from './demo-event';
import { runMain } from './entry';
import { startApi, startWorker } from './runtime';
import { startEmbeddedStack } from './stack';
import { mailOutboxRouter } from './stack/smtp';

runMain('checkout-sagas', async (config, log) => {
  const stack = await startEmbeddedStack(config, { info: (line) => log.info(line) });
  try {
    const worker = await startWorker(config, stack, log);
    worker.done.catch((err) => {
      log.error({ err }, 'worker stopped; exiting');
      process.kill(process.pid, 'SIGTERM');
    });
    const mounts: Array<[string, Router]> = stack.mailDir ? [['/sandbox/mail', mailOutboxRouter(stack.mailDir)]] : [];
    // One process: the API's /metrics shows the worker's counters and the Temporal SDK's too.
    const api = await startApi(config, stack, log, { mounts, metrics: worker.metrics });
    await offerDemoEvent(config, api.url, log);
    const ready = [
      '',
      'checkout-sagas is running:',
      // With API_TOKEN only the shop's server may create checkouts: the shop runs its own storefront.
      `${label('Storefront')}${config.apiToken ? `${config.publicUrl}/orders/{orderId} (order pages only: API_TOKEN is set)` : `${config.publicUrl}/`}`,
      `${label('API')}${config.publicUrl}  (listening on ${api.url})`,
      `${label('Temporal UI')}${stack.temporalUiUrl ?? '(external Temporal: use its own UI)'}`,
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

/** One aligned line of the ready message. */
const label = (text: string) => `  ${text.padEnd(20)}`;

/** What serves a provider: the built-in sandbox (its operator pages), the real API, or nothing. */
function providerLine(name: string, provider: Config['komoju'] | Config['resurs'], sandboxPage: string, urlVariable: string): string {
  if (provider.sandbox) return `${label(`${name} sandbox`)}${sandboxPage}`;
  if (provider.enabled) return `${label(name)}${provider.apiUrl}`;
  return `${label(name)}disabled (set ${urlVariable}, or ENABLE_SANDBOXES=true for the sandbox)`;
}
