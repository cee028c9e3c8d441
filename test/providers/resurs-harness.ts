/** The Resurs sandbox on real HTTP + the shared MongoDB-wire server, with a real callback listener. */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import type { Db } from 'mongodb';
import { ResursClient, type BookPaymentArgs } from '../../src/providers/resurs/client';
import { ProviderError } from '../../src/providers/types';
import { resursSandbox, RESURS_TEST_PERSONS, type ResursSandbox, type ResursSandboxOptions } from '../../src/sandbox/resurs';
import type { TestOutcome } from '../../src/sandbox/resurs/persons';
import { freshDb, testServers } from '../support/servers';

export const USERNAME = 'resurs_harness';
export const PASSWORD = 'pw-Resurs-harness-7f3e9a';
export const SALT = 'salt-resurs-harness';
export const SANDBOX_PATH = '/sandbox/resurs';

export interface Server {
  url: string;
  close(): Promise<void>;
}

export async function listenOn(server: http.Server): Promise<Server> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One callback as the shop's listener received it. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Records every request; answers with the next of `replies` (then 204), or `'hang'`. */
export async function callbackListener(received: Received[], replies: Array<number | 'hang'> = []): Promise<Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://listener');
      received.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = replies.shift() ?? 204;
      if (reply === 'hang') return;
      res.writeHead(reply).end();
    });
  });
  return listenOn(server);
}

/** Mounts a sandbox at /sandbox/resurs of a fresh HTTP server whose URL is its publicUrl. */
export async function serveSandbox(make: (publicUrl: string) => ResursSandbox): Promise<{ server: Server; sandbox: ResursSandbox }> {
  const app = express();
  const server = await listenOn(http.createServer(app));
  const sandbox = make(server.url);
  app.use(SANDBOX_PATH, sandbox);
  return { server, sandbox };
}

export interface Harness {
  db: Db;
  sandbox: ResursSandbox;
  /** `<origin>/sandbox/resurs` */
  apiUrl: string;
  client: ResursClient;
  received: Received[];
  /** Statuses the callback listener answers with, one per request, then 204. */
  replies: Array<number | 'hang'>;
  /** The listener's origin (default callbacks go to `<it>/webhooks/resurs/{TYPE}`). */
  listenerUrl: string;
  /** Waits for the sandbox's callbacks, then forgets them and the listener's replies. */
  reset(): Promise<void>;
  /** A second sandbox process on the same database (the first one closed): as after a restart. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<ResursSandboxOptions> = {}): Promise<Harness> {
  const { db, cleanup } = await freshDb(testServers().mongoUri);
  const received: Received[] = [];
  const replies: Array<number | 'hang'> = [];
  const listener = await callbackListener(received, replies);
  const make = (publicUrl: string) =>
    resursSandbox({
      db,
      username: USERNAME,
      password: PASSWORD,
      callbackSalt: SALT,
      publicUrl,
      callbackBaseUrl: listener.url,
      callbackRetry: { baseDelayMs: 20, maxAttempts: 5, timeoutMs: 2_000 },
      fraudControlDelayMs: 50,
      ...options,
    });
  let served = await serveSandbox(make);
  const h: Harness = {
    db,
    sandbox: served.sandbox,
    apiUrl: `${served.server.url}${SANDBOX_PATH}`,
    client: new ResursClient({ apiUrl: `${served.server.url}${SANDBOX_PATH}`, username: USERNAME, password: PASSWORD, timeoutMs: 5_000 }),
    received,
    replies,
    listenerUrl: listener.url,
    async reset() {
      await h.sandbox.drain();
      received.length = 0;
      replies.length = 0;
    },
    async restart() {
      await served.sandbox.close();
      await served.server.close();
      served = await serveSandbox(make);
      await served.sandbox.ready;
      h.sandbox = served.sandbox;
      h.apiUrl = `${served.server.url}${SANDBOX_PATH}`;
      h.client = new ResursClient({ apiUrl: h.apiUrl, username: USERNAME, password: PASSWORD, timeoutMs: 5_000 });
    },
    async close() {
      await served.sandbox.close();
      await served.server.close();
      await listener.close();
      await cleanup();
    },
  };
  await served.sandbox.ready;
  return h;
}

let counter = 0;
/** A preferredId no other test uses. */
export function newOrderId(prefix = 'order'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** bookPayment arguments for `person` (a test person's outcome, or a government id). */
export function bookArgs(person: TestOutcome | string, overrides: { preferredId?: string; paymentData?: Partial<BookPaymentArgs['paymentData']>; signing?: Partial<BookPaymentArgs['signing']>; totalAmount?: number } = {}): BookPaymentArgs {
  const known = (RESURS_TEST_PERSONS as Record<string, (typeof RESURS_TEST_PERSONS)[TestOutcome] | undefined>)[person];
  const governmentId = known?.governmentId ?? person;
  const preferredId = overrides.preferredId ?? newOrderId();
  const total = overrides.totalAmount ?? 1250;
  const vat = Math.round((total / 5) * 100) / 100;
  return {
    paymentData: {
      preferredId,
      paymentMethodId: 'INVOICE',
      customerIpAddress: '127.0.0.1',
      waitForFraudControl: true,
      annulIfFrozen: false,
      finalizeIfBooked: false,
      ...overrides.paymentData,
    },
    orderData: {
      specLines: [
        { id: '1', artNo: 'TICKET-A', description: 'Concert ticket & fee <A>', quantity: 2, unitMeasure: 'st', unitAmountWithoutVat: (total - vat) / 2, vatPct: 25, totalVatAmount: vat, totalAmount: total },
      ],
      totalAmount: total,
      totalVatAmount: vat,
    },
    metaData: [{ key: 'orderId', value: preferredId }],
    customer: {
      governmentId,
      address: { fullName: known?.name ?? 'Test Testsson', firstName: 'Test', lastName: 'Testsson', addressRow1: 'Glassgatan 15', postalArea: 'Göteborg', postalCode: '41655', country: 'SE' },
      phone: '0701123456',
      cellPhone: '0701123456',
      email: 'customer@example.com',
      type: 'NATURAL',
    },
    signing: {
      successUrl: `https://shop.example/checkouts/${preferredId}/return?result=success&apiData=eyJ4IjoxfQ`,
      failUrl: `https://shop.example/checkouts/${preferredId}/return?result=fail`,
      ...overrides.signing,
    },
  };
}

/** Posts the signing page's form for `answer`; returns the redirect (status, Location). */
export async function answerSigningPage(signingUrl: string, answer: 'sign' | 'fail' | 'back'): Promise<{ status: number; location: string | null }> {
  const url = new URL(signingUrl);
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`action="${url.pathname}/${answer}"`);
  const res = await fetch(`${url.origin}${url.pathname}/${answer}`, {
    method: 'POST',
    body: new URLSearchParams({ token: url.searchParams.get('token') ?? '' }),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location') };
}

/** Awaits a rejection and checks it is the ProviderError described. */
export async function expectProviderError(promise: Promise<unknown>, code: string, retryable: boolean): Promise<ProviderError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  expect(err).toMatchObject({ code, retryable });
  return err as ProviderError;
}

/** Every string an error carries (message, stack, own properties), for "no secret inside" checks. */
export function everythingIn(err: unknown): string {
  const e = err as Record<string, unknown>;
  return [String(e?.message), String(e?.stack), JSON.stringify(e), ...Object.getOwnPropertyNames(e ?? {}).map((k) => String(e[k]))].join('\n');
}
