/** The KOMOJU sandbox on real HTTP + the shared MongoDB, with a real webhook listener. */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import type { Db } from 'mongodb';
import { KOMOJU_SANDBOX_PATH } from '../../src/config';
import { KomojuClient } from '../../src/providers/komoju/client';
import { createKomojuProvider, type KomojuProvider } from '../../src/providers/komoju/provider';
import { verifyKomojuSignature } from '../../src/providers/komoju/signature';
import type { KomojuEvent } from '../../src/providers/komoju/types';
import { ProviderError, type StartedPayment } from '../../src/providers/types';
import { komojuSandbox, TEST_CARDS, type KomojuSandbox, type KomojuSandboxOptions } from '../../src/sandbox/komoju';
import { freshDb, testServers } from '../support/servers';
import { ref, startRequest } from './komoju-wire';

export const SECRET_KEY = 'sk_test_komoju_harness';
export const WEBHOOK_SECRET = 'whsec_komoju_harness';
/** The provider's konbini grace: how long after the store deadline it waits for the money. */
export const GRACE_MS = 2 * 3_600_000;

/** One webhook as the shop's listener received it. */
export interface Delivery {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  event: KomojuEvent;
  /** X-Komoju-Signature checked against the raw bytes. */
  signed: boolean;
}

export interface Server {
  url: string;
  close(): Promise<void>;
}

function track(server: http.Server): Server {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function listenOn(server: http.Server): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return track(server);
}

/**
 * A plain HTTP listener: `handler` sees each request and picks the status (a JSON error body for
 * 4xx/5xx, `body` or `{}` otherwise), or `'hang'` to never answer.
 */
export async function listen(
  handler: (req: http.IncomingMessage, raw: Buffer) => number | 'hang' | { status: number; body: unknown },
): Promise<Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = handler(req, Buffer.concat(chunks));
      if (reply === 'hang') return;
      const { status, body } = typeof reply === 'number' ? { status: reply, body: undefined } : reply;
      const text = body !== undefined ? JSON.stringify(body) : status >= 400 ? '{"error":{"code":"x","message":"nope"}}' : '{}';
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(text);
    });
  });
  return listenOn(server);
}

/** Records every webhook; answers with the next of `replies` (then 200). */
export async function webhookListener(received: Delivery[], replies: number[] = []): Promise<Server> {
  return listen((req, raw) => {
    const signature = req.headers['x-komoju-signature'];
    received.push({
      headers: req.headers,
      raw,
      event: JSON.parse(raw.toString('utf8')) as KomojuEvent,
      signed: verifyKomojuSignature(raw, typeof signature === 'string' ? signature : undefined, WEBHOOK_SECRET),
    });
    return replies.shift() ?? 200;
  });
}

/** Mounts a sandbox on `/sandbox/komoju` of a fresh HTTP server. */
export async function serveSandbox(sandbox: KomojuSandbox): Promise<Server> {
  const app = express();
  app.use(KOMOJU_SANDBOX_PATH, sandbox);
  return listenOn(http.createServer(app));
}

/** The provider as the service builds it, against `apiUrl`. */
export function komojuProvider(apiUrl: string, secretKey = SECRET_KEY): KomojuProvider {
  return createKomojuProvider({ apiUrl, secretKey, webhookSecret: WEBHOOK_SECRET, konbiniGraceMs: GRACE_MS });
}

export interface Harness {
  db: Db;
  sandbox: KomojuSandbox;
  /** `<origin>/sandbox/komoju` */
  apiUrl: string;
  provider: KomojuProvider;
  client: KomojuClient;
  received: Delivery[];
  /** Statuses the webhook listener answers with, one per delivery, then 200. */
  hookReplies: number[];
  webhookUrl: string;
  /** Added to the sandbox's clock (ms), to step past deadlines without waiting. */
  clock: { offsetMs: number };
  /** Waits for the sandbox's webhooks, then forgets them, the listener's replies and the clock offset. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<KomojuSandboxOptions> = {}): Promise<Harness> {
  const { db, cleanup } = await freshDb(testServers().mongoUri);
  const received: Delivery[] = [];
  const hookReplies: number[] = [];
  const hook = await webhookListener(received, hookReplies);
  const clock = { offsetMs: 0 };
  const webhookUrl = `${hook.url}/webhooks/komoju`;
  const sandbox = komojuSandbox({
    db,
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl,
    webhookRetry: { baseDelayMs: 20 },
    now: () => new Date(Date.now() + clock.offsetMs),
    ...options,
  });
  const api = await serveSandbox(sandbox);
  const apiUrl = `${api.url}${KOMOJU_SANDBOX_PATH}`;
  return {
    db,
    sandbox,
    apiUrl,
    provider: komojuProvider(apiUrl),
    client: new KomojuClient({ apiUrl, secretKey: SECRET_KEY }),
    received,
    hookReplies,
    webhookUrl,
    clock,
    async reset() {
      await sandbox.drain();
      received.length = 0;
      hookReplies.length = 0;
      clock.offsetMs = 0;
    },
    async close() {
      await sandbox.close();
      await api.close();
      await hook.close();
      await cleanup();
    },
  };
}

export function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' };
}

export const GOOD_CARD = { number: TEST_CARDS.success, name: 'HANAKO YAMADA', expiry: '12/39', cvc: '123' };
export const DECLINED_CARD = { ...GOOD_CARD, number: TEST_CARDS.declined };

/** Awaits a rejection and checks it is the ProviderError described. */
export async function expectProviderError(promise: Promise<unknown>, status: number, code: string, retryable: boolean): Promise<ProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  expect(err).toMatchObject({ status, code, retryable });
  return err as ProviderError;
}

/** The hosted page's URL: where `start()` sends the customer. */
export function pageOf(started: StartedPayment): string {
  if (started.nextAction.type !== 'redirect') throw new Error(`expected a redirect, got ${started.nextAction.type}`);
  return started.nextAction.url;
}

/** A card checkout paid with the success card, its webhook delivered. */
export async function paidSession(h: Harness, orderId: string) {
  const started = await h.provider.start(startRequest(orderId), `create-${orderId}`);
  const res = await fetch(`${pageOf(started)}/pay`, form(GOOD_CARD));
  expect(res.status).toBe(303);
  const state = await h.provider.lookup(ref(orderId, started.reference));
  expect(state.status).toBe('captured');
  await h.sandbox.drain();
  const paymentId = state.paymentId as string;
  return { started, reference: started.reference, paymentId, ref: ref(orderId, started.reference, paymentId) };
}
