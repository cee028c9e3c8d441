/**
 * A KOMOJU that misbehaves on cue: a tiny HTTP proxy in front of a real KOMOJU sandbox (the
 * sandbox router, mounted in its own Express app on its own port with its own database). Rules
 * pick requests by method and path and answer 5xx, hang (the client's timeout ends the call),
 * swallow (forwarded, so KOMOJU acts, but the answer never comes back) or delay, for a number of
 * matching requests. Every API request is logged with the fault it got.
 */
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MongoClient } from 'mongodb';
import { KOMOJU_SANDBOX_PATH } from '../../src/config';
import { connectMongo } from '../../src/db/mongo';
import { komojuSandbox, type KomojuSandbox } from '../../src/sandbox/komoju';
import { testServers } from '../support/servers';

export type Fault = { status: 500 | 502 | 503 } | { hang: true } | { swallow: true } | { delayMs: number };
export interface Rule {
  method: string;
  path: RegExp;
  fault: Fault;
  /** How many matching requests get the fault; then they pass. */
  times: number;
}
export interface Seen {
  method: string;
  path: string;
  idempotencyKey?: string;
  fault?: string;
  at: number;
}

export interface FaultyKomoju {
  /** KOMOJU_API_URL for the service. */
  apiUrl: string;
  /** The sandbox itself (hosted pages, operator actions, `GET /api/v1/payments/:id`), unproxied. */
  sandboxUrl: string;
  secretKey: string;
  webhookSecret: string;
  /** Where the sandbox's webhooks go (the service's `/webhooks/komoju`); set once the service runs. */
  deliverWebhooksTo(url: string): void;
  inject(rule: Rule): Rule;
  clear(): void;
  seen: Seen[];
  close(): Promise<void>;
}

const faultName = (fault: Fault) => ('status' in fault ? String(fault.status) : 'hang' in fault ? 'hang' : 'swallow' in fault ? 'swallow' : `delay ${fault.delayMs} ms`);

export async function startFaultyKomoju(): Promise<FaultyKomoju> {
  const secretKey = 'sk_test_faults';
  const webhookSecret = 'whsec_faults';
  const rules: Rule[] = [];
  const seen: Seen[] = [];
  const hanging = new Set<http.ServerResponse>();
  let webhookTarget = '';

  const listen = async (server: http.Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const forward = async (req: http.IncomingMessage, body: Buffer, target: string) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
    const res = await fetch(target, { method: req.method, headers, body: req.method === 'GET' ? undefined : body, redirect: 'manual' });
    return { status: res.status, type: res.headers.get('content-type') ?? 'application/json', text: await res.text() };
  };

  // The proxy: KOMOJU's API (faults apply) and the sandbox's webhooks on their way to the service.
  const proxy = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = req.url ?? '/';
    try {
      if (path.startsWith('/webhooks/')) {
        const answer = await forward(req, body, `${webhookTarget}${path}`);
        return void res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.text);
      }
      const rule = rules.find((r) => r.times > 0 && r.method === req.method && r.path.test(path));
      if (rule) rule.times--;
      seen.push({ method: req.method ?? '', path, idempotencyKey: req.headers['x-komoju-idempotency'] as string | undefined, fault: rule ? faultName(rule.fault) : undefined, at: Date.now() });
      const fault = rule?.fault;
      if (fault && 'status' in fault) {
        return void res.writeHead(fault.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'service_unavailable', message: 'KOMOJU is having a bad day', param: null } }));
      }
      if (fault && 'hang' in fault) return void hanging.add(res);
      if (fault && 'delayMs' in fault) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      const answer = await forward(req, body, `${origin}${path}`); // path carries the sandbox mount
      if (fault && 'swallow' in fault) return void hanging.add(res); // KOMOJU acted; the answer is lost
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.text);
    } catch (err) {
      res.writeHead(502).end(String(err));
    }
  });
  const apiUrl = await listen(proxy);

  const mongo: MongoClient = (await connectMongo(testServers().mongoUri, `komoju_faults_${process.pid}_${Date.now().toString(36)}`)).client;
  const app = express();
  const server = http.createServer(app);
  const origin = await listen(server);
  const sandboxUrl = `${origin}${KOMOJU_SANDBOX_PATH}`;
  const sandbox: KomojuSandbox = komojuSandbox({ db: mongo.db(), secretKey, webhookSecret, webhookUrl: `${apiUrl}/webhooks/komoju`, publicUrl: origin });
  app.use(KOMOJU_SANDBOX_PATH, sandbox);

  return {
    apiUrl: `${apiUrl}${KOMOJU_SANDBOX_PATH}`,
    sandboxUrl,
    secretKey,
    webhookSecret,
    deliverWebhooksTo: (url) => {
      webhookTarget = url.replace(/\/webhooks\/komoju$/, '');
    },
    inject: (rule) => {
      rules.push(rule);
      return rule;
    },
    clear: () => void rules.splice(0),
    seen,
    async close() {
      for (const res of hanging) res.destroy();
      await sandbox.close();
      await new Promise((resolve) => proxy.close(resolve));
      await new Promise((resolve) => server.close(resolve));
      await mongo.db().dropDatabase().catch(() => undefined);
      await mongo.close();
    },
  };
}
