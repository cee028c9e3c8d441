import { Router } from 'express';
import type { Db } from 'mongodb';
import { DEFAULT_MERCHANT_NAME } from '../html';
import { checkoutRoutes } from './checkout';
import { CallbackSender, type CallbackRetryOptions, type SandboxLog, silentLog } from './callbacks';
import type { ResursSandboxContext } from './context';
import { hostedRoutes } from './hosted';
import { operatorRoutes } from './operator';
import { signingRoutes } from './signing';
import { soapRoutes } from './soap';
import { ResursStore } from './store';

export { RESURS_TEST_PERSONS, PAYMENT_METHODS, type TestPerson } from './persons';
export { COLLECTIONS } from './store';
export type { CallbackDeliveryDoc, SandboxLog } from './callbacks';

export interface ResursSandboxOptions {
  db: Db;
  /** The merchant credentials the SOAP services and the hosted flow accept (HTTP Basic). */
  username: string;
  password: string;
  /** Salt of the SHA1 digest of callbacks nobody registered (registered ones use their own). */
  callbackSalt: string;
  /** Origin the customer's browser reaches this server by (signing and hosted pages); '' = the request's. */
  publicUrl: string;
  /** The merchant's name on the signing and hosted pages; default "Sandbox Ticket Shop". */
  merchantName?: string;
  /**
   * Where unregistered callbacks go: `<callbackBaseUrl>/webhooks/resurs/{TYPE}?paymentId=...`.
   * Default publicUrl. (In the service: the address the API reaches itself by, config.sandboxUrl.)
   */
  callbackBaseUrl?: string;
  log?: SandboxLog;
  /** Callback retry tuning (defaults: 20 attempts, 0.5 s doubling, capped at 60 s, 10 s per attempt). */
  callbackRetry?: CallbackRetryOptions;
  /** waitForFraudControl=false: how long the automatic fraud control takes; default 1 s. */
  fraudControlDelayMs?: number;
  now?: () => Date;
}

/** The Router to mount at `/sandbox/resurs`, plus the hooks a process needs around it. */
export type ResursSandbox = Router & {
  /** Resolves when every callback delivery and fraud control started so far has ended. */
  drain(): Promise<void>;
  /** Stops callback retries (unfinished ones stay `pending` and resume on the next start) and drains. */
  close(): Promise<void>;
  /** Resolves once indexes exist and pending deliveries were picked up (requests wait for it). */
  ready: Promise<void>;
};

/**
 * The built-in Resurs Bank sandbox: the simplified flow's SOAP services from our own WSDL, the
 * signing page, the hosted flow, callbacks as Resurs sends them, and an operator console; state
 * in MongoDB (`sandbox_resurs_*`). Routes relative to the mount:
 * - `POST /ws/V4/SimplifiedShopFlowService | AfterShopFlowService | ConfigurationService`
 *   (`GET ...?wsdl`), HTTP Basic — see soap.ts;
 * - `GET /sign/:paymentId?token=`, `POST /sign/:paymentId/sign|fail|back` — signing.ts;
 * - `POST /hostedflow/back-channel`, `GET /hostedflow/customer-landing-page/:id` — hosted.ts;
 * - `POST|PUT /checkout/payments/:ref` (HTTP Basic), `GET /checkout/iframe/:sessionId`,
 *   `POST /checkout/iframe/:sessionId/purchase` — Resurs Checkout, checkout.ts;
 * - `GET /`, `GET /payments/:id`, `POST /payments/:id/thaw|unfreeze|annul|resend-callbacks`,
 *   `POST /callbacks/test`, `GET /callbacks` — operator.ts.
 */
export function resursSandbox(options: ResursSandboxOptions): ResursSandbox {
  const log = options.log ?? silentLog;
  const now = options.now ?? (() => new Date());
  const tasks = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const callbacks = new CallbackSender(options.db, {
    salt: options.callbackSalt,
    baseUrl: options.callbackBaseUrl ?? options.publicUrl,
    log,
    now,
    ...options.callbackRetry,
  });
  const ctx: ResursSandboxContext = {
    store: new ResursStore(options.db),
    callbacks,
    log,
    now,
    username: options.username,
    password: options.password,
    publicUrl: options.publicUrl,
    merchantName: options.merchantName ?? DEFAULT_MERCHANT_NAME,
    fraudControlDelayMs: options.fraudControlDelayMs ?? 1_000,
    later(delayMs, work) {
      if (closed) return;
      const task = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          work()
            .catch((err: unknown) => log.error({ err }, 'resurs sandbox: background work failed'))
            .finally(resolve);
        }, delayMs);
        timers.add(timer);
      });
      tasks.add(task);
      void task.finally(() => tasks.delete(task));
    },
  };

  const ready = Promise.allSettled([ctx.store.ensureIndexes(), callbacks.ensureIndexes()])
    .then((results) => {
      for (const r of results) {
        if (r.status === 'rejected') log.warn({ err: r.reason }, 'resurs sandbox: could not create an index (continuing without it)');
      }
      return callbacks.resume();
    })
    .catch((err: unknown) => log.warn({ err }, 'resurs sandbox: could not resume pending callbacks'));

  const router = Router();
  router.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    ready.then(() => next(), next);
  });
  router.use(soapRoutes(ctx));
  router.use(signingRoutes(ctx));
  router.use(hostedRoutes(ctx));
  router.use(checkoutRoutes(ctx));
  router.use(operatorRoutes(ctx));

  const drain = async () => {
    for (;;) {
      if (tasks.size > 0) {
        await Promise.allSettled([...tasks]);
        continue;
      }
      await callbacks.drain();
      if (tasks.size === 0) return;
    }
  };
  return Object.assign(router, {
    drain,
    close: async () => {
      closed = true;
      // Fraud controls not run yet stay pending on the payment; the operator page can thaw it.
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      tasks.clear();
      await ready;
      await callbacks.close();
    },
    ready,
  });
}
