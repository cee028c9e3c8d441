import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Store } from '../db/mongo';
import type { OrderDoc } from '../db/schema';
import type { CheckoutInput, OpenedCheckout } from '../domain/checkout';
import { verifyWithProvider } from '../checkout/verify';
import { CreateCheckout, newOrderId, orderView, priceItems, requestHash } from '../checkout/request';
import type { PaymentProvider } from '../providers/types';
import type { Checkouts } from '../temporal/client';
import { checkoutWorkflowId } from '../temporal/messages';
import { IDEMPOTENCY_CONFLICT, SOLD_OUT } from '../temporal/messages';
import { HttpError, notFound, parseBody } from './errors';
import { loadEvent } from './events';

export interface CheckoutRoutesDeps {
  store: Store;
  checkouts: Checkouts;
  providers: Record<string, PaymentProvider | undefined>;
  config: Pick<Config, 'storefrontUrl' | 'checkoutTimeoutMs' | 'konbiniGraceMs'>;
  log: Logger;
}

function answerOf(order: OrderDoc): OpenedCheckout {
  return {
    orderId: order._id,
    workflowId: order.workflowId,
    status: order.status,
    redirectUrl: order.payment.redirectUrl ?? '',
    expiresAt: order.payment.expiresAt ?? '',
  };
}

/** Maps the workflow's refusal to the contract's errors. */
function refusal(err: unknown): HttpError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  switch (err.cause.type) {
    case SOLD_OUT:
      return new HttpError(409, 'sold_out', err.cause.message);
    case IDEMPOTENCY_CONFLICT:
      return new HttpError(409, 'idempotency_conflict', 'this orderId was already used with a different request');
    default:
      return new HttpError(502, 'provider_error', 'the payment provider refused to open a checkout');
  }
}

export function checkoutsRouter({ store, checkouts, providers, config, log }: CheckoutRoutesDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseBody(CreateCheckout, req.body);
    const orderId = body.orderId ?? newOrderId();
    const hash = requestHash(body);

    const existing = await store.orders.findOne({ _id: orderId });
    if (existing) {
      if (existing.requestHash !== hash) throw new HttpError(409, 'idempotency_conflict', 'this orderId was already used with a different request');
      // Still opening the provider's page? Then join the running checkout below.
      if (existing.payment.redirectUrl) return void res.status(200).json(answerOf(existing));
    }

    const event = await loadEvent(store, body.eventId);
    const { items, amount } = priceItems(event, body.items);
    const input: CheckoutInput = {
      orderId,
      requestHash: hash,
      eventId: event._id,
      eventTitle: event.title,
      items,
      amount,
      currency: event.currency,
      customer: body.customer,
      payment: body.payment,
      checkoutTimeoutMs: config.checkoutTimeoutMs,
      konbiniGraceMs: config.konbiniGraceMs,
    };
    try {
      const { repeated, ...opened } = await checkouts.open(input);
      res.status(repeated ? 200 : 201).json(opened);
    } catch (err) {
      throw refusal(err) ?? err;
    }
  });

  router.get('/:orderId', async (req, res) => {
    const order = await store.orders.findOne({ _id: req.params.orderId });
    if (!order) throw notFound(`checkout ${req.params.orderId}`);
    res.json(orderView(order));
  });

  router.post('/:orderId/cancel', async (req, res) => {
    const { orderId } = req.params;
    const order = await store.orders.findOne({ _id: orderId });
    if (!order) throw notFound(`checkout ${orderId}`);
    if (order.status !== 'pending' && order.status !== 'awaiting_payment') {
      throw new HttpError(409, 'not_cancellable', `checkout is ${order.status}; only unpaid checkouts can be cancelled`);
    }
    const delivered = await checkouts.notify(orderId, 'cancelled', { eventId: `cancel:${orderId}`, source: 'api', reason: 'cancelled by the shop' });
    if (!delivered) throw new HttpError(409, 'not_cancellable', 'checkout has already finished');
    res.status(202).json({ orderId, workflowId: checkoutWorkflowId(orderId), status: order.status, cancelling: true });
  });

  /** The customer's browser back from the provider: believe the provider's API, not the URL. */
  router.get('/:orderId/return', async (req, res) => {
    const { orderId } = req.params;
    const order = await store.orders.findOne({ _id: orderId });
    if (!order) throw notFound(`checkout ${orderId}`);
    const reference = order.payment.reference;
    const provider = providers[order.payment.provider];
    if (reference && provider) {
      try {
        await verifyWithProvider(provider, checkouts, orderId, reference, 'return');
      } catch (err) {
        // The webhook or the checkout's own timeout will settle it; the customer still goes on.
        log.warn({ err, orderId }, 'could not verify the return with the provider');
      }
    }
    res.redirect(303, `${config.storefrontUrl}/orders/${encodeURIComponent(orderId)}`);
  });

  return router;
}
