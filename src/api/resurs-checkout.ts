/**
 * Resurs Checkout (RCO) around the checkout API. The purchase happens in Resurs' iframe on the
 * shop's page, so the iframe exists before the order does:
 * 1. `POST /checkouts/resurs/sessions` opens the iframe session for an order id (no seats held);
 * 2. on the iframe's `checkout:booking-order` the page calls `POST /checkouts` (flow `rco`) and
 *    answers `orderReady` (the checkout holds the seats and syncs the cart with Resurs);
 * 3. the purchase completes by Resurs' callbacks or getPayment, as in the other flows;
 * 4. a denied or failed attempt is reported by the page: `POST /checkouts/{orderId}/resurs/rejections`.
 * `GET /shop/rco.js` is the page's side of it (the storefront's and any shop's to use).
 */
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import type { Store } from '../db/mongo';
import { priceItems } from '../checkout/request';
import type { Providers } from '../providers';
import { CHECKOUT_REFERENCE } from '../providers/resurs/checkout';
import { ProviderError } from '../providers/types';
import { orderForCaller, requireShop } from './auth';
import { HttpError, parseBody } from './errors';
import { loadEvent } from './events';

export const OpenSession = z.strictObject({
  orderId: z.string().regex(CHECKOUT_REFERENCE, 'Resurs Checkout order ids may only hold letters, digits and - (1 to 64)'),
  eventId: z.string().min(1).max(64),
  items: z.array(z.strictObject({ ticketTypeId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(20) })).min(1).max(20),
  method: z.string().min(1).max(64),
});

export const Rejection = z.strictObject({
  kind: z.enum(['fail', 'deny']),
  /** The text the customer saw. */
  message: z.string().trim().min(1).max(500),
  /** The customer's proof, when not sent as the X-Client-Secret header. */
  clientSecret: z.string().optional(),
});

/** The seed's order metadata for RCO rejections, kept beside the Resurs record of the order. */
const RCO_KEYS = { once: 'payment.resurs.rco_rejected_once', rows: 'payment.resurs.rco_rejected', message: 'payment.resurs.rco_reject_message' } as const;

export interface ResursCheckoutDeps {
  store: Store;
  providers: Providers;
  config: Pick<Config, 'publicUrl' | 'storefrontUrl' | 'apiToken'>;
  limitCheckouts: RequestHandler;
}

export function resursCheckoutRouter({ store, providers, config, limitCheckouts }: ResursCheckoutDeps): Router {
  const router = Router();
  const orderFor = orderForCaller(store, config.apiToken);

  router.post('/checkouts/resurs/sessions', requireShop(config.apiToken), limitCheckouts, async (req, res) => {
    const body = parseBody(OpenSession, req.body);
    const provider = providers.resurs;
    if (!provider?.embed) throw new HttpError(422, 'provider_not_configured', 'Resurs Checkout is not offered here');
    // Reopening a session of a running checkout would replace the iframe its customer is using.
    if (await store.orders.findOne({ _id: body.orderId }, { projection: { _id: 1 } })) throw new HttpError(409, 'checkout_exists', `checkout ${body.orderId} has already started`);
    const event = await loadEvent(store, body.eventId);
    const { items, amount } = priceItems(event, body.items);
    try {
      const session = await provider.embed({
        orderId: body.orderId,
        amount,
        currency: event.currency,
        method: body.method,
        items,
        checkoutUrl: `${config.publicUrl}/checkouts/${encodeURIComponent(body.orderId)}`,
        shopUrl: new URL(config.storefrontUrl).origin,
      });
      res.status(201).json({ orderId: body.orderId, amount, currency: event.currency, ...session });
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      if (err.retryable) throw new HttpError(503, 'provider_unavailable', 'Resurs Checkout is not answering; try again shortly', { retryAfterSeconds: 5 });
      throw new HttpError(502, 'provider_error', 'Resurs Checkout refused to open a session');
    }
  });

  router.post('/checkouts/:orderId/resurs/rejections', async (req, res) => {
    const { order } = await orderFor(req);
    const { kind, message } = parseBody(Rejection, req.body);
    if (order.payment.provider !== 'resurs' || order.payment.flow !== 'rco') throw new HttpError(409, 'not_resurs_checkout', `checkout ${order._id} is not a Resurs Checkout purchase`);
    const at = new Date();
    // Only while the customer may still try again; Resurs is not told (the order is not failed).
    const updated = await store.orders.findOneAndUpdate(
      { _id: order._id, status: 'pending' },
      { $set: { [RCO_KEYS.once]: true, [RCO_KEYS.message]: message, updatedAt: at }, $push: { [RCO_KEYS.rows]: `${kind} (${at.toISOString()})` } } as never,
      { returnDocument: 'after' },
    );
    if (!updated) throw new HttpError(409, 'checkout_closed', `checkout ${order._id} is ${order.status}; rejections are recorded only while it is pending`);
    const record = (updated.payment as { resurs?: Record<string, unknown> }).resurs ?? {};
    res.status(201).json({ orderId: order._id, rco_rejected_once: record.rco_rejected_once, rco_rejected: record.rco_rejected, rco_reject_message: record.rco_reject_message });
  });

  router.get('/shop/rco.js', (_req, res) => {
    res.set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }).sendFile(path.join(__dirname, 'assets', 'rco.js'));
  });

  return router;
}
