import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Db } from 'mongodb';
import { KOMOJU_SANDBOX_PATH } from '../../src/config';
import { KomojuClient } from '../../src/providers/komoju/client';
import { createKomojuProvider, fromPayment, fromSession, sessionBody, type KomojuProvider } from '../../src/providers/komoju/provider';
import { signKomoju, verifyKomojuSignature } from '../../src/providers/komoju/signature';
import type { KomojuEvent, KomojuPayment, KomojuSession } from '../../src/providers/komoju/types';
import { ProviderError, type SessionRequest } from '../../src/providers/types';
import { COLLECTIONS, komojuSandbox, TEST_CARDS, type KomojuSandbox } from '../../src/sandbox/komoju';
import { fingerprint } from '../../src/sandbox/komoju/idempotency';
import { freshDb, testServers } from '../support/servers';

const SECRET_KEY = 'sk_test_komoju_suite';
const WEBHOOK_SECRET = 'whsec_komoju_suite';

// ---------------------------------------------------------------- signatures (pure)

describe('KOMOJU webhook signature', () => {
  const body = Buffer.from('{"id":"evt_1","type":"payment.captured","data":{"amount":1500}}');

  it('is the lowercase hex HMAC-SHA256 of the raw body (RFC 4231 vector)', () => {
    expect(signKomoju('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(signKomoju(body, WEBHOOK_SECRET)).toBe(createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex'));
    expect(signKomoju(body.toString('utf8'), WEBHOOK_SECRET)).toBe(signKomoju(body, WEBHOOK_SECRET));
  });

  it('verifies the right signature and nothing else', () => {
    const good = signKomoju(body, WEBHOOK_SECRET);
    expect(verifyKomojuSignature(body, good, WEBHOOK_SECRET)).toBe(true);
    expect(verifyKomojuSignature(body, good, 'whsec_other')).toBe(false);
    expect(verifyKomojuSignature(Buffer.from(body.toString().replace('1500', '1501')), good, WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, undefined, WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, '', WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, good.slice(0, 62), WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, `${good}00`, WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, `${good.slice(0, 63)}z`, WEBHOOK_SECRET)).toBe(false);
    expect(verifyKomojuSignature(body, `sha256=${good}`, WEBHOOK_SECRET)).toBe(false);
  });
});

// ---------------------------------------------------------------- mapping (pure)

function wirePayment(overrides: Partial<KomojuPayment> = {}): KomojuPayment {
  return {
    id: 'pay1',
    resource: 'payment',
    status: 'captured',
    amount: 1500,
    tax: 0,
    total: 1500,
    currency: 'JPY',
    payment_method_fee: 0,
    external_order_num: 'order-1',
    payment_deadline: null,
    payment_details: { type: 'credit_card', brand: 'visa', last_four_digits: '1111' },
    captured_at: '2025-01-01T00:00:00.000Z',
    created_at: '2025-01-01T00:00:00.000Z',
    amount_refunded: 0,
    refunds: [],
    session: 'sess1',
    metadata: {},
    ...overrides,
  };
}

function wireSession(overrides: Partial<KomojuSession> = {}): KomojuSession {
  return {
    id: 'sess1',
    resource: 'session',
    mode: 'payment',
    status: 'pending',
    amount: 1500,
    currency: 'JPY',
    session_url: 'https://komoju.example/sessions/sess1',
    return_url: 'https://shop.example/return',
    default_locale: 'ja',
    payment_methods: [{ type: 'credit_card' }],
    created_at: '2025-01-01T00:00:00.000Z',
    cancelled_at: null,
    completed_at: null,
    expired: false,
    payment: null,
    ...overrides,
  };
}

describe('KOMOJU → PaymentProvider mapping', () => {
  it('maps session states', () => {
    expect(fromSession(wireSession())).toEqual({ paymentId: null, status: 'pending', amount: 1500, currency: 'JPY' });
    expect(fromSession(wireSession({ expired: true })).status).toBe('expired');
    expect(fromSession(wireSession({ status: 'cancelled' })).status).toBe('cancelled');
    expect(fromSession(wireSession({ status: 'completed', payment: wirePayment() }))).toEqual({
      paymentId: 'pay1',
      status: 'captured',
      amount: 1500,
      currency: 'JPY',
    });
    expect(() => fromSession(wireSession({ status: 'completed' }))).toThrow(ProviderError);
  });

  it('maps a konbini payment to its slip', () => {
    const payment = wirePayment({
      status: 'authorized',
      payment_deadline: '2018-10-18T14:59:59Z',
      payment_details: {
        type: 'konbini',
        store: 'lawson',
        confirmation_code: '1234',
        instructions_url: 'https://komoju.example/slip',
        receipt: 'R-1',
      },
    });
    expect(fromPayment(payment)).toEqual({
      paymentId: 'pay1',
      status: 'authorized',
      amount: 1500,
      currency: 'JPY',
      konbini: {
        store: 'lawson',
        deadline: '2018-10-18T14:59:59Z',
        instructionsUrl: 'https://komoju.example/slip',
        confirmationCode: '1234',
      },
    });
  });

  it('builds the session body KOMOJU expects', () => {
    const body = sessionBody(sessionRequest('order-9', { expiresInSeconds: 999_999 }));
    expect(body).toEqual({
      amount: 3000,
      currency: 'JPY',
      return_url: 'https://shop.example/checkouts/order-9/return',
      email: 'hanako@example.com',
      default_locale: 'ja',
      payment_types: ['credit_card'],
      expires_in_seconds: 86_400,
      payment_data: { external_order_num: 'order-9' },
      metadata: { order_id: 'order-9' },
      line_items: [{ description: 'S seat', amount: 1500, quantity: 2 }],
    });
  });
});

function sessionRequest(orderId: string, overrides: Partial<SessionRequest> = {}): SessionRequest {
  return {
    orderId,
    amount: 3000,
    currency: 'JPY',
    method: 'credit_card',
    customer: { email: 'hanako@example.com', name: 'Hanako', locale: 'ja' },
    items: [{ ticketTypeId: 's', name: 'S seat', unitPrice: 1500, quantity: 2 }],
    returnUrl: `https://shop.example/checkouts/${orderId}/return`,
    expiresInSeconds: 1800,
    ...overrides,
  };
}

// ---------------------------------------------------------------- real HTTP helpers

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}

/** A real HTTP listener; `reply` picks the status for each request (default 200). */
async function listen(handler: (req: http.IncomingMessage, raw: Buffer) => number | 'hang') {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = handler(req, Buffer.concat(chunks));
      if (status === 'hang') return;
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(status >= 400 ? '{"error":{"code":"x","message":"nope"}}' : '{}');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return { url, close };
}

async function serve(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, close };
}

function payForm(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' };
}

const GOOD_CARD = { number: TEST_CARDS.success, name: 'HANAKO YAMADA', expiry: '12/39', cvc: '123' };
const DECLINED_CARD = { ...GOOD_CARD, number: TEST_CARDS.declined };

async function expectProviderError(promise: Promise<unknown>, status: number, code: string, retryable: boolean) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  expect(err).toMatchObject({ status, code, retryable });
  return err as ProviderError;
}

// ---------------------------------------------------------------- sandbox over real HTTP

describe('KOMOJU provider against the built-in sandbox (real HTTP, real MongoDB)', () => {
  let db: Db;
  let cleanupDb: () => Promise<void>;
  let sandbox: KomojuSandbox;
  let api: { url: string; close(): Promise<void> };
  let hook: { url: string; close(): Promise<void> };
  let apiUrl: string;
  let provider: KomojuProvider;
  const received: Received[] = [];
  /** Statuses the webhook listener answers with, one per request, then 200. */
  const hookReplies: number[] = [];
  let clockOffsetMs = 0;

  beforeAll(async () => {
    ({ db, cleanup: cleanupDb } = await freshDb(testServers().mongoUri));
    hook = await listen((req, raw) => {
      received.push({ headers: req.headers, raw });
      return hookReplies.shift() ?? 200;
    });
    sandbox = komojuSandbox({
      db,
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      webhookUrl: `${hook.url}/webhooks/komoju`,
      webhookRetry: { baseDelayMs: 20 },
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    const app = express();
    app.use(KOMOJU_SANDBOX_PATH, sandbox);
    api = await serve(app);
    apiUrl = `${api.url}${KOMOJU_SANDBOX_PATH}`;
    provider = createKomojuProvider({ apiUrl, secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, sandbox: true });
  });

  afterAll(async () => {
    await sandbox?.close();
    await api?.close();
    await hook?.close();
    await cleanupDb?.();
  });

  beforeEach(() => {
    received.length = 0;
    hookReplies.length = 0;
    clockOffsetMs = 0;
  });

  const events = () => received.map((r) => JSON.parse(r.raw.toString('utf8')) as KomojuEvent);

  async function paidSession(orderId: string) {
    const session = await provider.createSession(sessionRequest(orderId), `create-${orderId}`);
    const res = await fetch(`${session.redirectUrl}/pay`, payForm(GOOD_CARD));
    expect(res.status).toBe(303);
    const state = await provider.lookupSession(session.reference);
    expect(state.status).toBe('captured');
    await sandbox.drain();
    return { session, paymentId: state.paymentId as string };
  }

  it('creates a session idempotently and serves the hosted page', async () => {
    const request = sessionRequest('order-create');
    const first = await provider.createSession(request, 'idem-create-1');
    expect(first.reference).toMatch(/^[0-9a-z]{25}$/);
    expect(first.redirectUrl).toBe(`${apiUrl}/sessions/${first.reference}`);
    expect(Date.parse(first.expiresAt) - Date.now()).toBeGreaterThan(1790_000);
    expect(Date.parse(first.expiresAt) - Date.now()).toBeLessThanOrEqual(1800_000);

    const replay = await provider.createSession(request, 'idem-create-1');
    expect(replay.reference).toBe(first.reference);
    expect(await db.collection(COLLECTIONS.sessions).countDocuments({ external_order_num: 'order-create' })).toBe(1);

    const err = await expectProviderError(
      provider.createSession({ ...request, amount: 9999 }, 'idem-create-1'),
      422,
      'unprocessable_entity',
      false,
    );
    expect(err.message).toContain('idempotency');

    const state = await provider.lookupSession(first.reference);
    expect(state).toEqual({ paymentId: null, status: 'pending', amount: 3000, currency: 'JPY' });

    const page = await fetch(first.redirectUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('data-amount="3000"');
    expect(html).toContain('order-create');
    expect(html).toContain(TEST_CARDS.success);
    expect(html).toContain(TEST_CARDS.declined);
    expect(html).toContain(`action="${KOMOJU_SANDBOX_PATH}/sessions/${first.reference}/pay"`);
    expect(html).toContain(`action="${KOMOJU_SANDBOX_PATH}/sessions/${first.reference}/cancel"`);
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('pays with the success card: redirect, captured payment, signed webhook', async () => {
    const request = sessionRequest('order-pay', { returnUrl: 'https://shop.example/checkouts/order-pay/return?lang=ja' });
    const session = await provider.createSession(request, 'idem-pay-1');

    const res = await fetch(`${session.redirectUrl}/pay`, payForm(GOOD_CARD));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe('https://shop.example/checkouts/order-pay/return');
    expect(location.searchParams.get('lang')).toBe('ja');
    expect(location.searchParams.get('session_id')).toBe(session.reference);

    const state = await provider.lookupSession(session.reference);
    expect(state).toMatchObject({ status: 'captured', amount: 3000, currency: 'JPY' });
    expect(state.paymentId).toMatch(/^[0-9a-z]{25}$/);
    expect(await provider.lookupPayment(state.paymentId as string)).toEqual(state);

    const client = new KomojuClient({ apiUrl, secretKey: SECRET_KEY });
    const payment = await client.getPayment(state.paymentId as string);
    expect(payment).toMatchObject({
      status: 'captured',
      external_order_num: 'order-pay',
      session: session.reference,
      payment_details: { type: 'credit_card', brand: 'visa', last_four_digits: '1111' },
    });
    expect(payment.captured_at).not.toBeNull();

    await sandbox.drain();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['user-agent']).toBe('Komoju-Webhook');
    expect(delivery.headers['x-komoju-event']).toBe('payment.captured');
    expect(verifyKomojuSignature(delivery.raw, delivery.headers['x-komoju-signature'] as string, WEBHOOK_SECRET)).toBe(true);
    const [event] = events();
    expect(event).toMatchObject({ type: 'payment.captured', resource: 'event', reason: null });
    expect(event.id).toMatch(/^evt_/);
    expect(delivery.headers['x-komoju-id']).toBe(event.id);
    expect(event.data).toMatchObject({
      id: state.paymentId,
      status: 'captured',
      amount: 3000,
      currency: 'JPY',
      external_order_num: 'order-pay',
      session: session.reference,
      payment_deadline: null,
    });

    // Paying again creates nothing: the customer is sent back to the shop.
    const again = await fetch(`${session.redirectUrl}/pay`, payForm(GOOD_CARD));
    expect(again.status).toBe(303);
    expect(await db.collection(COLLECTIONS.payments).countDocuments({ session: session.reference })).toBe(1);

    const log = (await (await fetch(`${apiUrl}/webhooks?payment_id=${state.paymentId}`)).json()) as {
      data: { id: string; status: string; attempts: number; last_status: number }[];
    };
    expect(log.data).toEqual([expect.objectContaining({ id: event.id, status: 'delivered', attempts: 1, last_status: 200 })]);
  });

  it('retries a webhook the shop did not accept', async () => {
    hookReplies.push(500, 503);
    const { paymentId } = await paidSession('order-retry');
    expect(received.map((r) => r.headers['x-komoju-id'])).toEqual(Array(3).fill(received[0].headers['x-komoju-id']));
    expect(new Set(received.map((r) => r.raw.toString()))).toEqual(new Set([received[0].raw.toString()]));
    const log = (await (await fetch(`${apiUrl}/webhooks?payment_id=${paymentId}`)).json()) as {
      data: { status: string; attempts: number; last_status: number }[];
    };
    expect(log.data).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3, last_status: 200 })]);
  });

  it('two concurrent pays of one session make one payment and one webhook', async () => {
    const session = await provider.createSession(sessionRequest('order-double'), 'idem-double-1');
    const [a, b] = await Promise.all([
      fetch(`${session.redirectUrl}/pay`, payForm(GOOD_CARD)),
      fetch(`${session.redirectUrl}/pay`, payForm(GOOD_CARD)),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await db.collection(COLLECTIONS.payments).countDocuments({ session: session.reference })).toBe(1);
    await sandbox.drain();
    expect(events().map((e) => e.type)).toEqual(['payment.captured']);
  });

  it('a retry while the first request is still in flight gets a retryable 409', async () => {
    const body = sessionBody(sessionRequest('order-inflight'));
    const now = new Date();
    await db.collection<Record<string, unknown> & { _id: string }>(COLLECTIONS.idempotency).insertOne({
      _id: 'idem-inflight-1',
      fingerprint: fingerprint('POST', `${KOMOJU_SANDBOX_PATH}/api/v1/sessions`, body),
      state: 'in_flight',
      created_at: now,
      updated_at: now,
    });
    await expectProviderError(provider.createSession(sessionRequest('order-inflight'), 'idem-inflight-1'), 409, 'conflict', true);
  });

  it('declined card: the page says so, the session stays pending, a retry may succeed', async () => {
    const session = await provider.createSession(sessionRequest('order-decline'), 'idem-decline-1');
    const res = await fetch(`${session.redirectUrl}/pay`, payForm(DECLINED_CARD));
    expect(res.status).toBe(402);
    expect(await res.text()).toMatch(/declined/i);
    expect(await provider.lookupSession(session.reference)).toMatchObject({ status: 'pending', paymentId: null });
    expect(await db.collection(COLLECTIONS.payments).countDocuments({ session: session.reference })).toBe(0);

    const retry = await fetch(`${session.redirectUrl}/pay`, payForm(GOOD_CARD));
    expect(retry.status).toBe(303);
    expect((await provider.lookupSession(session.reference)).status).toBe('captured');
    await sandbox.drain();
  });

  it('customer cancels: back to the shop with session_id, session cancelled, no payment possible', async () => {
    const session = await provider.createSession(sessionRequest('order-cancel'), 'idem-cancel-1');
    const res = await fetch(`${session.redirectUrl}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location') as string).searchParams.get('session_id')).toBe(session.reference);
    expect(await provider.lookupSession(session.reference)).toEqual({ paymentId: null, status: 'cancelled', amount: 3000, currency: 'JPY' });

    const pay = await fetch(`${session.redirectUrl}/pay`, payForm(GOOD_CARD));
    expect(pay.status).toBe(409);
    expect(await db.collection(COLLECTIONS.payments).countDocuments({ session: session.reference })).toBe(0);
    await sandbox.drain();
    expect(received).toHaveLength(0);
  });

  it('merchant cancels a pending session; a completed one stays completed', async () => {
    const session = await provider.createSession(sessionRequest('order-mcancel'), 'idem-mcancel-1');
    expect((await provider.closeSession(session.reference, 'idem-mcancel-2')).status).toBe('cancelled');
    const { session: paid } = await paidSession('order-mcancel-paid');
    expect((await provider.closeSession(paid.reference, 'idem-mcancel-3')).status).toBe('captured');
  });

  it('an expired session cannot be paid', async () => {
    const session = await provider.createSession(sessionRequest('order-expire', { expiresInSeconds: 60 }), 'idem-expire-1');
    clockOffsetMs = 61_000;
    expect((await provider.lookupSession(session.reference)).status).toBe('expired');
    const pay = await fetch(`${session.redirectUrl}/pay`, payForm(GOOD_CARD));
    expect(pay.status).toBe(409);
    expect(await pay.text()).toContain('data-state="expired"');
    expect(await db.collection(COLLECTIONS.payments).countDocuments({ session: session.reference })).toBe(0);
  });

  it('refunds a captured card payment, idempotently', async () => {
    const { paymentId } = await paidSession('order-refund');
    received.length = 0;

    const partial = await provider.refund(paymentId, 1000, 'idem-refund-1');
    expect(partial).toMatchObject({ paymentId, status: 'captured' });
    expect(await provider.refund(paymentId, 1000, 'idem-refund-1')).toEqual(partial);

    const full = await provider.refund(paymentId, 2000, 'idem-refund-2');
    expect(full).toMatchObject({ paymentId, status: 'refunded', amount: 3000 });
    await expectProviderError(provider.refund(paymentId, 1, 'idem-refund-3'), 422, 'unprocessable_entity', false);

    const payment = await new KomojuClient({ apiUrl, secretKey: SECRET_KEY }).getPayment(paymentId);
    expect(payment.amount_refunded).toBe(3000);
    expect(payment.refunds.map((r) => r.amount)).toEqual([1000, 2000]);

    await sandbox.drain();
    expect(events().map((e) => e.type)).toEqual(['payment.refund.created', 'payment.refunded']);
    for (const r of received) expect(verifyKomojuSignature(r.raw, r.headers['x-komoju-signature'] as string, WEBHOOK_SECRET)).toBe(true);
  });

  it('cannot cancel a captured payment', async () => {
    const { paymentId } = await paidSession('order-nocancel');
    await expectProviderError(provider.cancel(paymentId, 'idem-nocancel-1'), 422, 'unprocessable_entity', false);
  });

  it('answers KOMOJU errors: 401 bad key, 400 with param, 404', async () => {
    const wrongKey = 'sk_test_wrong_key_123';
    const stranger = createKomojuProvider({ apiUrl, secretKey: wrongKey, webhookSecret: WEBHOOK_SECRET, sandbox: true });
    const unauthorized = await expectProviderError(stranger.lookupSession('whatever'), 401, 'unauthorized', false);
    expect(unauthorized.message).not.toContain(wrongKey);

    const client = new KomojuClient({ apiUrl, secretKey: SECRET_KEY });
    const bad = await expectProviderError(
      client.createSession({ amount: 0, currency: 'JPY', return_url: 'https://shop.example/r' }, 'idem-bad-1'),
      400,
      'bad_request',
      false,
    );
    expect(bad.message).toContain('param amount');
    await expectProviderError(
      client.createSession({ amount: 100, currency: 'JPY', return_url: 'not a url' }, 'idem-bad-2'),
      400,
      'bad_request',
      false,
    );
    await expectProviderError(provider.lookupPayment('nosuchpayment'), 404, 'not_found', false);
    await expectProviderError(provider.lookupSession('nosuchsession'), 404, 'not_found', false);
  });

  it('keeps its state in MongoDB: a new sandbox instance on the same database sees it', async () => {
    const { session, paymentId } = await paidSession('order-restart');
    const second = komojuSandbox({ db, secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, webhookUrl: `${hook.url}/x` });
    const app = express();
    app.use(KOMOJU_SANDBOX_PATH, second);
    const other = await serve(app);
    try {
      const again = createKomojuProvider({ apiUrl: `${other.url}${KOMOJU_SANDBOX_PATH}`, secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, sandbox: true });
      expect(await again.lookupSession(session.reference)).toMatchObject({ status: 'captured', paymentId });
      // The idempotency record survived too.
      expect((await again.createSession(sessionRequest('order-restart'), 'create-order-restart')).reference).toBe(session.reference);
    } finally {
      await second.close();
      await other.close();
    }
  });
});

// ---------------------------------------------------------------- client failure classes (real sockets)

describe('KomojuClient failure classification', () => {
  it('5xx, 409 and 429 are retryable; the key never shows', async () => {
    const replies = [503, 409, 429, 422];
    const server = await listen(() => replies.shift() ?? 500);
    try {
      const client = new KomojuClient({ apiUrl: server.url, secretKey: SECRET_KEY });
      for (const status of [503, 409, 429]) {
        const err = await expectProviderError(client.getPayment('p'), status, 'x', true);
        expect(err.message).not.toContain(SECRET_KEY);
      }
      await expectProviderError(client.getPayment('p'), 422, 'x', false);
    } finally {
      await server.close();
    }
  });

  it('a timeout and a refused connection are retryable', async () => {
    const server = await listen(() => 'hang');
    try {
      const slow = new KomojuClient({ apiUrl: server.url, secretKey: SECRET_KEY, timeoutMs: 200 });
      await expectProviderError(slow.getSession('s'), 0, 'timeout', true);
    } finally {
      await server.close();
    }
    const gone = new KomojuClient({ apiUrl: server.url, secretKey: SECRET_KEY });
    await expectProviderError(gone.getSession('s'), 0, 'network_error', true);
  });

  it('refuses to POST without a usable idempotency key', async () => {
    const client = new KomojuClient({ apiUrl: 'http://127.0.0.1:9', secretKey: SECRET_KEY });
    await expectProviderError(client.cancelPayment('p', ''), 0, 'invalid_idempotency_key', false);
    await expectProviderError(client.cancelPayment('p', 'x'.repeat(101)), 0, 'invalid_idempotency_key', false);
  });
});
