import { Router } from 'express';
import { z } from 'zod';
import type { Store } from '../db/mongo';
import { orderView } from '../checkout/request';
import { requestCancel, verifyWithProvider } from '../checkout/signals';
import type { Providers } from '../providers';
import { adminAuth } from './auth';
import { HttpError, notFound } from './errors';
import type { EventInbox } from './inbox';

export const ListCheckoutsQuery = z.object({
  status: z.enum(['pending', 'awaiting_payment', 'completed', 'cancelled', 'expired', 'refunded', 'refund_required']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function adminRouter(deps: { store: Store; inbox: EventInbox; providers: Providers; token?: string }): Router {
  const { store, inbox, providers } = deps;
  const router = Router();
  router.use(adminAuth(deps.token, { optional: false }));

  router.get('/checkouts', async (req, res) => {
    const query = ListCheckoutsQuery.safeParse(req.query);
    if (!query.success) throw new HttpError(400, 'invalid_request', query.error.issues[0].message);
    const { status, limit } = query.data;
    const orders = await store.orders.find(status ? { status } : {}).sort({ createdAt: -1 }).limit(limit).toArray();
    res.json({ checkouts: orders.map(orderView) });
  });

  router.post('/checkouts/:orderId/cancel', async (req, res) => {
    const { orderId } = req.params;
    const order = await store.orders.findOne({ _id: orderId });
    if (!order) throw notFound(`checkout ${orderId}`);
    if (order.status !== 'pending' && order.status !== 'awaiting_payment') throw new HttpError(409, 'not_cancellable', `checkout is ${order.status}`);
    await requestCancel(inbox, order, 'admin');
    res.status(202).json({ orderId, cancelling: true });
  });

  /** Asks the provider what happened and tells the checkout, for when a webhook never came. */
  router.post('/checkouts/:orderId/reconcile', async (req, res) => {
    const { orderId } = req.params;
    const order = await store.orders.findOne({ _id: orderId });
    if (!order) throw notFound(`checkout ${orderId}`);
    const provider = providers[order.payment.provider];
    if (!provider || !order.payment.reference) throw new HttpError(409, 'not_reconcilable', 'checkout has no provider session yet');
    const { seen, signalled } = await verifyWithProvider(provider, inbox, order, 'reconcile');
    res.json({ orderId, provider: { status: seen.status, paymentId: seen.paymentId }, signalled });
  });

  router.get('/webhooks', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    // The stored bodies may carry customer data: operators see the routing facts only.
    const docs = await store.inbox.find(state ? { state: state as never } : {}).sort({ receivedAt: -1 }).limit(100).toArray();
    res.json({ webhooks: docs.map(({ body: _body, ...rest }) => rest) });
  });
  return router;
}
