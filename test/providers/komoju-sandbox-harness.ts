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
import { komojuSandbox, type KomojuSandbox, type KomojuSandboxOptions } from '../../src/sandbox/komoju';
import { freshDb, testServers } from '../support/servers';

export const SECRET_KEY = 'sk_test_komoju_harness';
export const WEBHOOK_SECRET = 'whsec_komoju_harness';

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

/** Records every webhook; answers 200. */
export async function webhookListener(received: Delivery[]): Promise<Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signature = req.headers['x-komoju-signature'];
      received.push({
        headers: req.headers,
        raw,
        event: JSON.parse(raw.toString('utf8')) as KomojuEvent,
        signed: verifyKomojuSignature(raw, typeof signature === 'string' ? signature : undefined, WEBHOOK_SECRET),
      });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  return listenOn(server);
}

/** Mounts a sandbox on `/sandbox/komoju` of a fresh HTTP server. */
export async function serveSandbox(sandbox: KomojuSandbox): Promise<Server> {
  const app = express();
  app.use(KOMOJU_SANDBOX_PATH, sandbox);
  return listenOn(http.createServer(app));
}

export interface Harness {
  db: Db;
  sandbox: KomojuSandbox;
  /** `<origin>/sandbox/komoju` */
  apiUrl: string;
  provider: KomojuProvider;
  client: KomojuClient;
  received: Delivery[];
  webhookUrl: string;
  /** Added to the sandbox's clock (ms), to step past deadlines without waiting. */
  clock: { offsetMs: number };
  close(): Promise<void>;
}

export async function startHarness(options: Partial<KomojuSandboxOptions> = {}): Promise<Harness> {
  const { db, cleanup } = await freshDb(testServers().mongoUri);
  const received: Delivery[] = [];
  const hook = await webhookListener(received);
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
    provider: createKomojuProvider({ apiUrl, secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, sandbox: true }),
    client: new KomojuClient({ apiUrl, secretKey: SECRET_KEY }),
    received,
    webhookUrl,
    clock,
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
