import express, { Router } from 'express';
import type { Db } from 'mongodb';
import { DEFAULT_MERCHANT_NAME } from '../html';
import { apiRoutes } from './api';
import type { SandboxContext } from './context';
import { hostedRoutes } from './hosted';
import { IdempotencyStore } from './idempotency';
import { sweepOverdue } from './konbini';
import { operatorRoutes } from './operator';
import { SandboxStore } from './store';
import { type SandboxLog, silentLog, WebhookSender, type WebhookSenderOptions } from './webhooks';

export { KONBINI_STORES } from './konbini';
export { TEST_CARDS } from './page';
export { COLLECTIONS } from './store';
export type { SandboxLog } from './webhooks';

export interface KomojuSandboxOptions {
  db: Db;
  /** The merchant secret key API calls must present (Basic auth user name). */
  secretKey: string;
  /** Signs webhooks (`X-Komoju-Signature`). */
  webhookSecret: string;
  /** Where events are POSTed, e.g. `<publicUrl>/webhooks/komoju`. */
  webhookUrl: string;
  log?: SandboxLog;
  /** Origin for `session_url` (e.g. config.publicUrl); default: the API request's own origin. */
  publicUrl?: string;
  /** The merchant's name on the hosted page (KOMOJU shows the account's); default "Sandbox Ticket Shop". */
  merchantName?: string;
  /** Webhook retry tuning (defaults: 10 attempts, 0.5 s doubling, capped at 60 s). */
  webhookRetry?: Pick<WebhookSenderOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs'>;
  /** Clock, for tests of expiry. */
  now?: () => Date;
  /**
   * How often overdue konbini slips are expired in the background (reads expire them too);
   * default 10 s, 0 turns the sweep off.
   */
  expirySweepMs?: number;
}

/** The Router to mount at `/sandbox/komoju`, plus the hooks a process needs around it. */
export type KomojuSandbox = Router & {
  /** Resolves when every webhook delivery started so far has succeeded or given up. */
  drain(): Promise<void>;
  /** Stops webhook retries (unfinished ones stay `pending` in the collection) and drains. */
  close(): Promise<void>;
  /** Resolves once the sandbox's indexes exist (requests wait for it on their own). */
  ready: Promise<void>;
};

/**
 * The built-in KOMOJU sandbox: KOMOJU's Sessions/Payments API, a hosted card page and signed
 * webhooks, with its state in MongoDB so it survives restarts. Routes (relative to the mount):
 * - `POST /api/v1/sessions`, `GET /api/v1/sessions/:id`, `POST /api/v1/sessions/:id/cancel`
 * - `GET /api/v1/payments/:id`, `POST /api/v1/payments/:id/refund`, `POST /api/v1/payments/:id/cancel`
 * - `GET /sessions/:id[?deadline_seconds=N]` (hosted page), `POST /sessions/:id/pay` (card),
 *   `POST /sessions/:id/konbini` (form: `store`, `email` if the session has none, `deadline_seconds`),
 *   `POST /sessions/:id/cancel`
 * - operator console (sandbox only): `GET /`, `GET /payments/:id`, `GET /payments/:id/instructions`,
 *   `POST /payments/:id/pay-at-store | expire | cancel` (see operator.ts)
 * - `GET /webhooks` (deliveries, newest first; `?payment_id=`, `?type=`, `?limit=`);
 *   `POST /webhooks/drop-next {count}` loses the next events on purpose (rehearsing a lost webhook)
 */
export function komojuSandbox(options: KomojuSandboxOptions): KomojuSandbox {
  const log = options.log ?? silentLog;
  const now = options.now ?? (() => new Date());
  const ctx: SandboxContext = {
    store: new SandboxStore(options.db),
    idempotency: new IdempotencyStore(options.db, now),
    webhooks: new WebhookSender(options.db, {
      url: options.webhookUrl,
      secret: options.webhookSecret,
      log,
      now,
      ...options.webhookRetry,
    }),
    log,
    now,
    secretKey: options.secretKey,
    publicUrl: options.publicUrl,
    merchantName: options.merchantName ?? DEFAULT_MERCHANT_NAME,
  };
  const ready = Promise.allSettled([ctx.store.ensureIndexes(), ctx.idempotency.ensureIndexes(), ctx.webhooks.ensureIndexes()])
    .then((results) => {
      for (const r of results) {
        if (r.status === 'rejected') log.warn({ err: r.reason }, 'komoju sandbox: could not create an index (continuing without it)');
      }
      return ctx.webhooks.resume();
    })
    .catch((err: unknown) => log.warn({ err }, 'komoju sandbox: could not resume pending webhooks'));

  const router = Router();
  router.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    ready.then(() => next(), next);
  });
  router.use(apiRoutes(ctx));
  router.use(hostedRoutes(ctx));
  router.use(operatorRoutes(ctx));
  router.get('/webhooks', async (req, res) => {
    const filter: Record<string, string> = {};
    if (typeof req.query.payment_id === 'string') filter.payment_id = req.query.payment_id;
    if (typeof req.query.type === 'string') filter.type = req.query.type;
    const limit = Math.min(500, Math.max(1, Number(req.query.limit) || 100));
    const docs = await ctx.webhooks.deliveries.find(filter).sort({ created_at: -1 }).limit(limit).toArray();
    res.set('Cache-Control', 'no-store').json({
      data: docs.map(({ _id, body, ...rest }) => ({ id: _id, ...rest, event: JSON.parse(body) as unknown })),
    });
  });

  /** Rehearsing a lost webhook: the next `count` events (default 1) are never delivered. */
  router.post('/webhooks/drop-next', express.json(), (req, res) => {
    const count = Number((req.body as { count?: unknown } | undefined)?.count ?? 1);
    if (!Number.isInteger(count) || count < 0 || count > 100) return void res.status(400).json({ error: 'count must be 0-100' });
    ctx.webhooks.dropNext(count);
    res.json({ dropping: count });
  });

  // One sweep at a time; close() waits for a running one so it never outlives the database.
  let sweeping: Promise<void> | null = null;
  const sweep = () => {
    sweeping ??= ready
      .then(() => sweepOverdue(ctx))
      .catch((err: unknown) => log.warn({ err }, 'komoju sandbox: konbini expiry sweep failed; will retry'))
      .finally(() => {
        sweeping = null;
      });
  };
  const sweepMs = options.expirySweepMs ?? 10_000;
  const sweeper = sweepMs > 0 ? setInterval(sweep, sweepMs) : undefined;
  sweeper?.unref();

  return Object.assign(router, {
    drain: () => ctx.webhooks.drain(),
    close: async () => {
      clearInterval(sweeper);
      await sweeping;
      await ctx.webhooks.close();
    },
    ready,
  });
}
