import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Store } from '../db/mongo';
import { orderView } from '../checkout/request';
import { verifyWithProvider } from '../checkout/verify';
import type { PaymentProvider } from '../providers/types';
import type { Checkouts } from '../temporal/client';
import { HttpError, notFound } from './errors';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Bearer `ADMIN_TOKEN`; with no token configured the operator surface does not exist. */
export function adminAuth(token: string | undefined, { optional }: { optional: boolean }): RequestHandler {
  return (req, _res, next) => {
    if (!token) return optional ? next() : next(new HttpError(404, 'not_found', 'operator endpoints are disabled (set ADMIN_TOKEN)'));
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!given || !sameToken(given, token)) return next(new HttpError(401, 'unauthorized', 'a valid bearer token is required'));
    next();
  };
}

const ListQuery = z.object({
  status: z.enum(['pending', 'awaiting_payment', 'completed', 'cancelled', 'expired', 'refunded', 'refund_required']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function adminRouter(deps: { store: Store; checkouts: Checkouts; providers: Record<string, PaymentProvider | undefined>; token?: string }): Router {
  const { store, checkouts, providers } = deps;
  const router = Router();
  router.use(adminAuth(deps.token, { optional: false }));

  router.get('/checkouts', async (req, res) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) throw new HttpError(400, 'invalid_request', query.error.issues[0].message);
    const { status, limit } = query.data;
    const orders = await store.orders.find(status ? { status } : {}).sort({ createdAt: -1 }).limit(limit).toArray();
    res.json({ checkouts: orders.map(orderView) });
  });

  router.post('/checkouts/:orderId/cancel', async (req, res) => {
    const { orderId } = req.params;
    if (!(await store.orders.countDocuments({ _id: orderId }))) throw notFound(`checkout ${orderId}`);
    const delivered = await checkouts.notify(orderId, 'cancelled', { eventId: `admin-cancel:${orderId}`, source: 'admin', reason: 'cancelled by an operator' });
    if (!delivered) throw new HttpError(409, 'not_cancellable', 'checkout has already finished');
    res.status(202).json({ orderId, cancelling: true });
  });

  /** Asks the provider what happened and tells the checkout, for when a webhook never came. */
  router.post('/checkouts/:orderId/reconcile', async (req, res) => {
    const { orderId } = req.params;
    const order = await store.orders.findOne({ _id: orderId });
    if (!order) throw notFound(`checkout ${orderId}`);
    const provider = providers[order.payment.provider];
    if (!provider || !order.payment.reference) throw new HttpError(409, 'not_reconcilable', 'checkout has no provider session yet');
    const { seen, signalled } = await verifyWithProvider(provider, checkouts, orderId, order.payment.reference, 'reconcile');
    res.json({ orderId, provider: { status: seen.status, paymentId: seen.paymentId }, signalled });
  });

  router.get('/webhooks', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const docs = await store.inbox.find(state ? { state: state as never } : {}).sort({ receivedAt: -1 }).limit(100).toArray();
    res.json({ webhooks: docs.map(({ body: _body, ...rest }) => rest) });
  });
  return router;
}
