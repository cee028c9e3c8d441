import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../src/config';
import { createMetrics } from '../../src/metrics';
import { startApi, startWorker, type RunningApi, type RunningWorker } from '../../src/runtime';
import { freePort } from '../../src/stack/ports';
import { startSmtpCapture, type SmtpCapture } from '../../src/stack/smtp';
import type { EncryptionCodec } from '../../src/temporal/codec';
import { openPayloadEncryption } from '../../src/temporal/payload-keys';
import { workflowBundle } from './bundle';
import { testServers } from './servers';
export { eventually } from './eventually';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestService {
  url: string;
  config: Config;
  smtp: SmtpCapture;
  api: RunningApi;
  worker: RunningWorker;
  /** The payload encryption the service's worker and API use (a client reading its histories needs it). */
  codec?: EncryptionCodec;
  stop(): Promise<void>;
}

let counter = 0;
/** Payloads are encrypted as in production; one key per test process (nothing under DATA_DIR). */
export const TEST_PAYLOAD_KEYS = `test-${process.pid}:${randomBytes(32).toString('base64')}`;

/**
 * The whole service on real parts: the shared Temporal dev server and MongoDB-wire server,
 * a real SMTP listener, the worker, and the API on a real port with the KOMOJU sandbox.
 * Each call gets its own database and task queue, so test files do not see each other. Logs go
 * to `log` (silent by default); API and worker share one metrics registry, as under `npm start`.
 */
export async function startService(env: Record<string, string> = {}, { temporalAddress, log = pino({ level: 'silent' }) }: { temporalAddress?: string; log?: Logger } = {}): Promise<TestService> {
  const servers = { ...testServers(), ...(temporalAddress ? { temporalAddress } : {}) };
  const port = await freePort();
  const unique = `${process.pid}-${++counter}-${Date.now().toString(36)}`;
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-mail-'));
  const smtp = await startSmtpCapture({ dir: mailDir, port: await freePort() });
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    MONGODB_DB: `svc_${unique.replace(/[^A-Za-z0-9_]/g, '_')}`,
    TEMPORAL_TASK_QUEUE: `checkout-${unique}`,
    LOG_LEVEL: 'silent',
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    ...env,
  });
  const endpoints = { temporalAddress: servers.temporalAddress, mongoUri: servers.mongoUri, smtpUrl: smtp.url };
  const metrics = createMetrics();
  const worker = await startWorker(config, endpoints, log, { workflowBundle: await workflowBundle(), metrics });
  const api = await startApi(config, endpoints, log, { metrics });
  const service: TestService = {
    url: config.publicUrl,
    config,
    smtp,
    api,
    worker,
    codec: openPayloadEncryption(config)?.codec,
    async stop() {
      await api.close();
      await worker.close();
      await service.smtp.stop(); // the one running now (a test may have restarted it)
      fs.rmSync(mailDir, { recursive: true, force: true });
    },
  };
  return service;
}

export async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    redirect: 'manual',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answerOf(res);
}

/** A response read whole: its text, and its JSON when it is JSON. */
export async function answerOf(res: Response) {
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
