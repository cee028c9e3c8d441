/**
 * Operators' endpoints (bearer `ADMIN_TOKEN`): look at checkouts and webhooks, and act on a
 * checkout. Every action is a workflow update: its validator refuses an illegal move at once
 * (409, with the reason), an accepted one is carried out by the checkout and recorded with the
 * operator's name and reason.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Router } from 'express';
import { z } from 'zod';
import type { Store } from '../db/mongo';
import type { OrderDoc } from '../db/schema';
import { orderView } from '../checkout/request';
import { refusalOf, type OperatorAction, type OperatorActionName, type OrderFacts } from '../domain/operations';
import { ACTION_REJECTED } from '../temporal/messages';
import type { Checkouts } from '../temporal/client';
import { adminAuth } from './auth';
import { HttpError, notFound, parseBody } from './errors';

const STATUSES = ['pending', 'awaiting_payment', 'completed', 'cancelled', 'expired', 'refunded', 'refund_required'] as const;
const EMAIL_KINDS = ['order_confirmation', 'konbini_instructions', 'payment_under_review', 'payment_expired', 'order_cancelled', 'refund_notice'] as const;

export const ListCheckoutsQuery = z.object({
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Who asks and why: required for every action, kept with it. */
const accountable = {
  operator: z.string().trim().min(1).max(64),
  reason: z.string().trim().min(1).max(500),
};
const reference = z.string().trim().min(1).max(128);

/** Each action's body, by its path segment (`POST /admin/checkouts/{orderId}/<segment>`). */
export const ACTION_BODIES = {
  cancel: z.strictObject({ ...accountable }),
  refund: z.strictObject({ ...accountable, bankReference: reference.optional() }),
  'resend-email': z.strictObject({ ...accountable, kind: z.enum(EMAIL_KINDS) }),
  'mark-paid': z.strictObject({ ...accountable, paymentReference: reference }),
  'extend-deadline': z.strictObject({ ...accountable, until: z.iso.datetime({ offset: true }) }),
  reconcile: z.strictObject({ ...accountable }),
  'resolve-refund': z.strictObject({ ...accountable, bankReference: reference.optional() }),
} as const;

export type ActionPath = keyof typeof ACTION_BODIES;

/** `resend-email` → `resendEmail`: the update's name. */
export function actionNamed(path: ActionPath): OperatorActionName {
  return path.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase()) as OperatorActionName;
}

/** What a closed checkout's record says, for the validator of the run an action reopens. */
function closedFacts(order: OrderDoc): OrderFacts {
  return { orderId: order._id, status: order.status, provider: order.payment.provider, method: order.payment.method, waiting: false };
}

export function adminRouter(deps: { store: Store; checkouts: Checkouts; token?: string }): Router {
  const { store, checkouts } = deps;
  const router = Router();
  router.use(adminAuth(deps.token, { optional: false }));

  router.get('/checkouts', async (req, res) => {
    const query = ListCheckoutsQuery.safeParse(req.query);
    if (!query.success) throw new HttpError(400, 'invalid_request', query.error.issues[0].message);
    const { status, limit } = query.data;
    const orders = await store.orders.find(status ? { status } : {}).sort({ createdAt: -1 }).limit(limit).toArray();
    res.json({ checkouts: orders.map(orderView) });
  });

  router.get('/checkouts/:orderId', async (req, res) => {
    const order = await store.orders.findOne({ _id: req.params.orderId });
    if (!order) throw notFound(`checkout ${req.params.orderId}`);
    res.json({ ...orderView(order), operations: order.operations ?? [] });
  });

  for (const path of Object.keys(ACTION_BODIES) as ActionPath[]) {
    router.post(`/checkouts/:orderId/${path}`, async (req, res) => {
      const body = parseBody(ACTION_BODIES[path], req.body);
      const action = { action: actionNamed(path), ...body } as OperatorAction;
      const order = await store.orders.findOne({ _id: req.params.orderId });
      if (!order) throw notFound(`checkout ${req.params.orderId}`);
      res.json(await act(checkouts, order, action));
    });
  }

  router.get('/webhooks', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    // The stored bodies may carry customer data: operators see the routing facts only.
    const docs = await store.inbox.find(state ? { state: state as never } : {}).sort({ receivedAt: -1 }).limit(100).toArray();
    res.json({ webhooks: docs.map(({ body: _body, ...rest }) => rest) });
  });
  return router;
}

/** Hands the action to the checkout; its validator's "no" is a 409, a failed attempt a 422. */
async function act(checkouts: Checkouts, order: OrderDoc, action: OperatorAction) {
  try {
    return await checkouts.operate(order._id, action, async () => {
      // No run is open: the record is final, so the same rule can refuse here without starting one.
      const facts = closedFacts(order);
      const why = refusalOf(action, facts, Date.now());
      if (why) throw ApplicationFailure.create({ type: ACTION_REJECTED, message: why, nonRetryable: true });
      return facts;
    });
  } catch (err) {
    const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
    if (!(failure instanceof ApplicationFailure)) throw err;
    if (failure.type === ACTION_REJECTED) throw new HttpError(409, 'action_rejected', failure.message);
    throw new HttpError(422, 'action_failed', failure.message);
  }
}
