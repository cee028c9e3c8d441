import express, { type Router } from 'express';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { Config } from './config';
import { collections } from './db/mongo';
import type { ProviderName } from './domain/checkout';
import type { Metrics } from './metrics';
import type { PaymentProvider } from './providers/types';
import type { Checkouts } from './temporal/client';
import { adminAuth, adminRouter } from './api/admin';
import { checkoutsRouter } from './api/checkouts';
import { errorHandler, unknownRoute } from './api/errors';
import { eventsRouter } from './api/events';
import { healthRouter } from './api/health';
import { storefrontRouter } from './api/storefront';
import { WebhookInbox } from './api/webhooks/inbox';
import { komojuWebhookRouter } from './api/webhooks/komoju';

export interface AppDeps {
  config: Config;
  db: Db;
  checkouts: Checkouts;
  providers: Record<ProviderName, PaymentProvider | undefined>;
  metrics: Metrics;
  log: Logger;
  /** Extra routers such as the built-in provider sandboxes and the mail outbox. */
  mounts?: Array<[path: string, router: Router]>;
}

/** Builds the HTTP API without listening, so tests can drive it directly. */
export function createApp({ config, db, checkouts, providers, metrics, log, mounts = [] }: AppDeps) {
  const store = collections(db);
  const inbox = new WebhookInbox(store, checkouts, log);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use((req, res, next) => {
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });

  app.use(healthRouter({ db, checkouts, metrics }));
  // Webhooks first: their signatures need the raw body, before any JSON parser touches it.
  app.use('/webhooks/komoju', komojuWebhookRouter({ store, inbox, webhookSecret: config.komoju.webhookSecret }));
  for (const [path, router] of mounts) app.use(path, router);

  app.use(express.json({ limit: '64kb', type: () => true }));
  app.use('/events', eventsRouter(store, adminAuth(config.adminToken, { optional: true })));
  app.use('/checkouts', checkoutsRouter({ store, checkouts, providers, config, log }));
  app.use('/admin', adminRouter({ store, checkouts, providers, token: config.adminToken }));
  app.use(storefrontRouter(store));

  app.use(unknownRoute);
  app.use(errorHandler(log));
  return { app, inbox };
}
