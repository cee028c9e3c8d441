import type { PayloadCodec } from '@temporalio/common';
import express, { type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { Config } from './config';
import { collections } from './db/mongo';
import type { Metrics } from './metrics';
import type { Providers } from './providers';
import type { Checkouts } from './temporal/client';
import { adminRouter } from './api/admin';
import { adminAuth, bearerOf } from './api/auth';
import { checkoutsRouter } from './api/checkouts';
import { codecRouter } from './api/codec';
import { errorHandler, HttpError, unknownRoute } from './api/errors';
import { eventsRouter } from './api/events';
import { healthRouter } from './api/health';
import { paymentMethodsRouter } from './api/payment-methods';
import { EventInbox } from './api/inbox';
import { apiDocsRouter } from './api/openapi/router';
import { resursCheckoutRouter } from './api/resurs-checkout';
import { webhooksRouter } from './api/webhooks';
import { storefrontRouter } from './storefront';

export interface AppDeps {
  config: Config;
  db: Db;
  checkouts: Checkouts;
  providers: Providers;
  metrics: Metrics;
  log: Logger;
  /** Extra routers such as the built-in provider sandboxes and the mail outbox. */
  mounts?: Array<[path: string, router: Router]>;
  /** The payload encryption, served to the Temporal UI at `/codec` (none: that answers 404). */
  codec?: PayloadCodec;
}

/** Builds the HTTP API without listening, so tests can drive it directly. */
export function createApp({ config, db, checkouts, providers, metrics, log, mounts = [], codec }: AppDeps) {
  const store = collections(db);
  const inbox = new EventInbox(store, checkouts, log);
  const app = express();
  app.disable('x-powered-by');
  // Only a proxy on this machine may name the client's address (rate limits are per client).
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });

  // Per client: the shop's key when it sends one, else the caller's address.
  const limitCheckouts = rateLimit({
    windowMs: config.checkoutRateLimit.windowMs,
    limit: config.checkoutRateLimit.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => bearerOf(req) ?? req.ip ?? 'unknown',
    validate: { keyGeneratorIpFallback: false },
    handler: (_req, _res, next) => next(new HttpError(429, 'rate_limited', 'too many checkouts from this client; try again later')),
  });

  app.use(healthRouter({ db, checkouts, metrics }));
  // Webhooks first: their signatures need the raw body, before any JSON parser touches it.
  app.use('/webhooks', webhooksRouter({ store, inbox, providers, metrics, log }));
  for (const [path, router] of mounts) app.use(path, router);
  // Before the API's JSON parser: a history's payloads are larger than its 64 KiB.
  app.use('/codec', codecRouter({ codec, namespace: config.temporal.namespace, origins: config.payload.codecOrigins, adminToken: config.adminToken }));

  app.use(express.json({ limit: '64kb', type: 'application/json' }));
  app.use('/events', eventsRouter(store, adminAuth(config.adminToken, { optional: true })));
  app.use(resursCheckoutRouter({ store, providers, config, limitCheckouts }));
  app.use('/checkouts', checkoutsRouter({ store, checkouts, inbox, providers, config, limitCheckouts, log }));
  app.use('/admin', adminRouter({ store, checkouts, token: config.adminToken }));
  app.use(paymentMethodsRouter(providers));
  app.use(storefrontRouter({ store, providers, config }));
  app.use(apiDocsRouter({ publicUrl: config.publicUrl }));

  app.use(unknownRoute);
  app.use(errorHandler(log));
  return { app, inbox };
}
