/**
 * Who may call what. Like Stripe: the shop's server holds a secret key (`API_TOKEN`) for the
 * checkout API; the customer's browser holds one order's `clientSecret`, which shows that order
 * (no personal data) and cancels it; operators hold `ADMIN_TOKEN`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Store } from '../db/mongo';
import type { OrderDoc } from '../db/schema';
import { HttpError, notFound } from './errors';

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearerOf(req: Request): string | undefined {
  return /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
}

/** The order's client secret, from a header (scripts), the query (links) or a form field (buttons). */
export function clientSecretOf(req: Request): string | undefined {
  const candidates = [req.get('x-client-secret'), req.query.clientSecret, (req.body as { clientSecret?: unknown } | undefined)?.clientSecret];
  return candidates.find((value): value is string => typeof value === 'string' && value.length > 0);
}

/** True when the request comes from the shop's server (or no API token is configured: development). */
export function isShop(req: Request, apiToken: string | undefined): boolean {
  if (!apiToken) return true;
  const given = bearerOf(req);
  return given !== undefined && sameSecret(given, apiToken);
}

/** The shop's server only. */
export function requireShop(apiToken: string | undefined): RequestHandler {
  return (req, _res, next) => next(isShop(req, apiToken) ? undefined : new HttpError(401, 'unauthorized', 'a valid API token is required (Authorization: Bearer <API_TOKEN>)'));
}

/** Bearer `ADMIN_TOKEN`; `optional`: open when none is configured, else the route does not exist. */
export function adminAuth(token: string | undefined, { optional }: { optional: boolean }): RequestHandler {
  return (req, _res, next) => {
    if (!token) return optional ? next() : next(new HttpError(404, 'not_found', 'operator endpoints are disabled (set ADMIN_TOKEN)'));
    const given = bearerOf(req);
    if (!given || !sameSecret(given, token)) return next(new HttpError(401, 'unauthorized', 'a valid bearer token is required'));
    next();
  };
}

/** The order a request names, and who asks: the shop's server (full view) or the order's own customer. */
export function orderForCaller(store: Store, apiToken: string | undefined) {
  return async (req: Request): Promise<{ order: OrderDoc; asShop: boolean }> => {
    const orderId = String(req.params.orderId);
    const asShop = isShop(req, apiToken);
    const secret = clientSecretOf(req);
    if (!asShop && !secret) throw new HttpError(401, 'unauthorized', "an API token or the order's clientSecret is required");
    const order = await store.orders.findOne({ _id: orderId });
    // A wrong secret looks exactly like an unknown order: order ids cannot be probed.
    if (!order || (!asShop && !sameSecret(secret!, order.clientSecret))) throw notFound(`checkout ${orderId}`);
    return { order, asShop: asShop && !secret };
  };
}
