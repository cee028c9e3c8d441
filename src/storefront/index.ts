/**
 * The storefront this service serves itself: the shop (`/`), the customer's order page
 * (`/orders/{orderId}`) and their scripts and styles (`/shop/*`). With `API_TOKEN` set, the
 * browser cannot create checkouts (that needs the shop's secret key), so the shop runs its own
 * storefront and only the order page is served here.
 */
import path from 'node:path';
import express, { Router, type Request } from 'express';
import type { Config } from '../config';
import type { Store } from '../db/mongo';
import type { OrderDoc } from '../db/schema';
import { clientSecretOf, sameSecret } from '../api/auth';
import { eventView } from '../api/events';
import type { Providers } from '../providers';
import { contentSecurityPolicy, sendHtml } from './html';
import { langOf } from './i18n';
import { renderNotFound, renderOrderPage, renderPanel } from './order-page';
import { renderShopPage, type ShopEvent } from './shop-page';

/** Static files: copied next to the compiled code by `npm run build`. */
export const PUBLIC_DIR = path.join(__dirname, 'public');
/** How many events the shop lists (newest first). */
const EVENTS_SHOWN = 50;

export interface StorefrontDeps {
  store: Store;
  providers: Providers;
  config: Pick<Config, 'apiToken' | 'publicUrl' | 'storefrontUrl' | 'resurs'>;
}

export function storefrontRouter({ store, providers, config }: StorefrontDeps): Router {
  const router = Router();
  const csp = contentSecurityPolicy(config);
  const shopMounted = !config.apiToken;

  router.use(
    '/shop',
    express.static(PUBLIC_DIR, {
      index: false,
      // A file this router lacks (e.g. rco.js, served by the Resurs Checkout module) falls through.
      fallthrough: true,
      setHeaders: (res) => res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=300' }),
    }),
  );

  if (shopMounted) {
    router.get('/', async (req, res) => {
      const lang = langOf(req.query.lang, req.get('accept-language'));
      const docs = await store.events.find({}).sort({ createdAt: -1 }).limit(EVENTS_SHOWN).toArray();
      const inventory = await store.inventory.find({ eventId: { $in: docs.map((e) => e._id) } }).toArray();
      const events: ShopEvent[] = docs.map((doc) => eventView(doc, inventory.filter((i) => i.eventId === doc._id)));
      const selected = events.find((e) => e.id === req.query.event) ?? events[0];
      sendHtml(res, 200, csp, renderShopPage(events, selected, lang, providers));
    });
  }

  /** The order, only for the holder of its client secret; anything else looks like no order at all. */
  async function ownOrder(req: Request): Promise<{ order: OrderDoc; secret: string } | undefined> {
    const secret = clientSecretOf(req);
    const order = await store.orders.findOne({ _id: String(req.params.orderId) });
    if (!order || !secret || !sameSecret(secret, order.clientSecret)) return undefined;
    return { order, secret };
  }

  router.get('/orders/:orderId', async (req, res) => {
    const own = await ownOrder(req);
    if (!own) return sendHtml(res, 404, csp, renderNotFound(langOf(req.query.lang, req.get('accept-language'))));
    const lang = langOf(req.query.lang, undefined, own.order.customer.locale);
    const event = await store.events.findOne({ _id: own.order.eventId });
    sendHtml(res, 200, csp, await renderOrderPage(own.order, own.secret, lang, { eventTitle: event?.title, shopLink: shopMounted }));
  });

  // The page's script asks for this when the order changed (secret in X-Client-Secret).
  router.get('/orders/:orderId/panel', async (req, res) => {
    const own = await ownOrder(req);
    if (!own) return sendHtml(res, 404, csp, renderNotFound(langOf(req.query.lang, req.get('accept-language'))));
    const lang = langOf(req.query.lang, undefined, own.order.customer.locale);
    sendHtml(res, 200, csp, await renderPanel(own.order, own.secret, lang));
  });

  return router;
}
