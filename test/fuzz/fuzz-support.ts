/**
 * What the input fuzzing suites share: one real service with both tokens, a capturing logger, the
 * checks every answer to bad input must pass (a 4xx in the contract's error shape, no stack trace,
 * no secret), and a snapshot of everything the service keeps (every collection of its database
 * and its Temporal runs) to prove bad input changed nothing.
 */
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { MongoClient } from 'mongodb';
import pino from 'pino';
import { connectMongo } from '../../src/db/mongo';
import { apiDataKey } from '../../src/providers/resurs/api-data';
import { connectTemporal } from '../../src/temporal/client';
import { testServers } from '../support/servers';
import { answerOf, eventually, http, startService, TEST_PAYLOAD_KEYS, type TestService } from '../support/service';

export const API_TOKEN = 'fuzz-shop-key-5f1c0d9e2b7a4c33';
export const ADMIN_TOKEN = 'fuzz-admin-key-8e2d41b7';
export const SHOP = { authorization: `Bearer ${API_TOKEN}` };
export const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Fixed, so a failure can be replayed (fast-check prints the seed and path); FUZZ_SEED=n explores others. */
export const FUZZ = { seed: Number(process.env.FUZZ_SEED ?? 20_261_124), numRuns: 1000 } as const;

export interface FuzzShop {
  service: TestService;
  mongo: MongoClient;
  temporal: Client;
  /** Every log line the service wrote, raw JSON text. */
  lines: string[];
  secrets: string[];
  stop(): Promise<void>;
}

export async function openFuzzShop(): Promise<FuzzShop> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // Bad input is cheap to send: the limit must not answer for the validation under test.
  // Provider secrets of their own (the sandboxes' defaults are words like "sandbox" that any log line may hold).
  const providerSecrets = { KOMOJU_SECRET_KEY: 'sk_test_fz_71c2e0a9d4', KOMOJU_WEBHOOK_SECRET: 'whsec_fz_3b8e61f05c', RESURS_PASSWORD: 'pw-fz-9d03c7a2e1', RESURS_CALLBACK_SALT: 'salt-fz-45af2c8e07' };
  const service = await startService({ API_TOKEN, ADMIN_TOKEN, CHECKOUT_RATE_LIMIT: '100000/1m', ...providerSecrets }, { log: pino({ level: 'info' }, destination) });
  const mongo = (await connectMongo(testServers().mongoUri, service.config.mongo.db)).client;
  const temporal = await connectTemporal(testServers().temporalAddress, service.config.temporal.namespace, service.codec);
  const { komoju, resurs } = service.config;
  const secrets = [API_TOKEN, ADMIN_TOKEN, komoju.secretKey, komoju.webhookSecret, resurs.password, resurs.callbackSalt, apiDataKey(resurs.password), TEST_PAYLOAD_KEYS.split(':')[1]];
  return {
    service,
    mongo,
    temporal,
    lines,
    secrets,
    async stop() {
      await temporal.connection.close();
      await mongo.close();
      await service.stop();
    },
  };
}

/** Everything the service keeps: each collection's documents, and each Temporal run of its task queue with its history length. */
export async function snapshot(shop: FuzzShop): Promise<Record<string, unknown>> {
  const db = shop.mongo.db(shop.service.config.mongo.db);
  const state: Record<string, unknown> = {};
  for (const { name } of (await db.listCollections().toArray()).sort((a, b) => a.name.localeCompare(b.name))) {
    state[`mongo:${name}`] = JSON.parse(JSON.stringify(await db.collection(name).find({}).sort({ _id: 1 }).toArray()));
  }
  const runs: string[] = [];
  for await (const run of shop.temporal.workflow.list({ query: `TaskQueue = "${shop.service.config.temporal.taskQueue}"` })) {
    runs.push(`${run.workflowId} ${run.runId} ${run.status.name} ${run.historyLength}`);
  }
  state.temporal = runs.sort();
  return state;
}

/**
 * The snapshot once the service is quiet: no run of its task queue has a workflow task or an
 * activity pending, and two snapshots in a row agree (checkouts that just opened finish their step).
 */
export async function quietSnapshot(shop: FuzzShop): Promise<Record<string, unknown>> {
  const idle = async () => {
    for await (const run of shop.temporal.workflow.list({ query: `TaskQueue = "${shop.service.config.temporal.taskQueue}" AND ExecutionStatus = "Running"` })) {
      const { raw } = await shop.temporal.workflow.getHandle(run.workflowId, run.runId).describe();
      if ((raw.pendingActivities ?? []).length > 0 || raw.pendingWorkflowTask) return false;
    }
    return true;
  };
  let last = JSON.stringify(await snapshot(shop));
  const settled = await eventually(
    async () => {
      const now = JSON.stringify(await snapshot(shop));
      const same = now === last && (await idle());
      last = now;
      return same;
    },
    Boolean,
    60_000,
  );
  expect(settled).toBe(true);
  return JSON.parse(last) as Record<string, unknown>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

const STACK_FRAME = /\n\s+at \S|node_modules|\.ts:\d+:\d+|\.js:\d+:\d+/;

/** Why this answer to bad input is wrong, or null: a 4xx (or `allowed`), the contract's error shape, no trace, no secret. */
export function problemWith(answer: Answer, shop: FuzzShop, { allowed = [] as number[], json = true } = {}): string | null {
  const { status, text, headers } = answer;
  if (!(status >= 400 && status < 500) && !allowed.includes(status)) return `status ${status}: ${text.slice(0, 300)}`;
  if (text.includes(process.cwd()) || STACK_FRAME.test(text)) return `a stack trace or path in the answer: ${text.slice(0, 300)}`;
  const leaked = shop.secrets.find((secret) => text.includes(secret));
  if (leaked) return `a secret in the answer (${leaked.slice(0, 4)}…)`;
  const html = problemWithHtml(answer);
  if (html) return html;
  if (json && status >= 400) {
    const body = answer.json;
    const shape =
      body && typeof body === 'object' && Object.keys(body).join() === 'error' && typeof body.error?.code === 'string' && typeof body.error?.message === 'string' &&
      Object.keys(body.error).every((key) => ['code', 'message', 'details'].includes(key));
    if (!shape || !(headers.get('content-type') ?? '').startsWith('application/json')) return `not the contract's error shape: ${text.slice(0, 300)}`;
  }
  return null;
}

/** An HTML page without the security headers, or null (every page the service sends must have them). */
export function problemWithHtml({ headers }: Pick<Answer, 'headers'>): string | null {
  if (!(headers.get('content-type') ?? '').startsWith('text/html')) return null;
  const csp = headers.get('content-security-policy') ?? '';
  if (!csp.includes("default-src 'none'")) return `an HTML page without a strict Content-Security-Policy: ${csp || '(none)'}`;
  if (!/frame-ancestors /.test(csp)) return 'an HTML page whose policy does not say who may frame it';
  if (headers.get('x-content-type-options') !== 'nosniff') return 'an HTML page without X-Content-Type-Options: nosniff';
  if (!headers.get('referrer-policy')) return 'an HTML page without a Referrer-Policy';
  return null;
}

/** Sends raw bytes (or a string) with the given headers; never follows a redirect. */
export async function send(method: string, url: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<Answer> {
  return answerOf(await fetch(url, { method, redirect: 'manual', headers, body: method === 'GET' || method === 'HEAD' ? undefined : body }));
}

/** Lines the service logged that carry a secret or a stack trace, or say it failed (level error and above). */
export function badLogLines(shop: FuzzShop): string[] {
  return shop.lines.filter((line) => shop.secrets.some((secret) => line.includes(secret)) || /"level":(50|60)/.test(line) || line.includes('"stack"'));
}

export { http };
