import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Store } from '../db/mongo';
import type { OrderDoc } from '../db/schema';
import type { CheckoutInput, OpenedCheckout } from '../domain/checkout';
import { requestCancel, tellCheckout, verifyWithProvider } from '../checkout/signals';
import { CreateCheckout, customerView, newClientSecret, newOrderId, orderPageUrl, orderView, priceItems, requestHash } from '../checkout/request';
import type { Providers } from '../providers';
import type { Checkouts } from '../temporal/client';
import { CHECKOUT_CANCELLED, checkoutWorkflowId, IDEMPOTENCY_CONFLICT, PROVIDER_UNAVAILABLE, SOLD_OUT } from '../temporal/messages';
import { orderForCaller, requireShop } from './auth';
import { HttpError, notFound, parseBody } from './errors';
import { loadEvent } from './events';
import type { EventInbox } from './inbox';

export interface CheckoutRoutesDeps {
  store: Store;
  checkouts: Checkouts;
  inbox: EventInbox;
  providers: Providers;
  config: Pick<Config, 'storefrontUrl' | 'checkoutTimeoutMs' | 'apiToken'>;
  /** Rate limit for creating checkouts (per client). */
  limitCheckouts: RequestHandler;
  log: Logger;
}

/** Statuses after the money arrived: a customer's return changes nothing about them. */
const PAID = new Set<OrderDoc['status']>(['completed', 'refunded', 'refund_required']);

/** How long `POST /checkouts` waits for the checkout at most, whatever Temporal does. */
const OPEN_DEADLINE_MS = 30_000;

function answerOf(order: OrderDoc): OpenedCheckout {
  const { nextAction = { type: 'none' as const }, redirectUrl, expiresAt = '' } = order.payment;
  return { orderId: order._id, workflowId: order.workflowId, status: order.status, ...(redirectUrl ? { redirectUrl } : {}), nextAction, expiresAt, clientSecret: order.clientSecret };
}

/** Maps the workflow's refusal to the contract's errors. */
function refusal(err: unknown, orderId: string): HttpError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  switch (err.cause.type) {
    case SOLD_OUT:
      return new HttpError(409, 'sold_out', err.cause.message);
    case IDEMPOTENCY_CONFLICT:
      return new HttpError(409, 'idempotency_conflict', 'this orderId was already used with a different request');
    case CHECKOUT_CANCELLED:
      return new HttpError(409, 'checkout_cancelled', 'the checkout was cancelled before the payment page opened');
    case PROVIDER_UNAVAILABLE:
      return new HttpError(503, 'provider_unavailable', 'the payment provider is not answering; the seats stay held while it is retried: ask again with the same orderId', { orderId, retryAfterSeconds: 5 });
    default:
      return new HttpError(502, 'provider_error', 'the payment provider refused to open a checkout');
  }
}

export function checkoutsRouter({ store, checkouts, inbox, providers, config, limitCheckouts, log }: CheckoutRoutesDeps): Router {
  const router = Router();

  const orderFor = orderForCaller(store, config.apiToken);

  router.post('/', requireShop(config.apiToken), limitCheckouts, async (req, res) => {
    const body = parseBody(CreateCheckout, req.body);
    const orderId = body.orderId ?? newOrderId();
    const hash = requestHash(body);
    const provider = providers[body.payment.provider];
    if (!provider) throw new HttpError(422, 'provider_not_configured', `payment provider ${body.payment.provider} is not offered here`);
    const flow = 'flow' in body.payment ? body.payment.flow : undefined;
    if (flow && provider.flows && !provider.flows.includes(flow)) throw new HttpError(422, 'flow_not_offered', `${body.payment.provider} flow ${flow} is not offered here`);

    const existing = await store.orders.findOne({ _id: orderId });
    if (existing) {
      if (existing.requestHash !== hash) throw new HttpError(409, 'idempotency_conflict', 'this orderId was already used with a different request');
      if (existing.payment.nextAction) return void res.status(200).json(answerOf(existing));
      // It closed before its page ever opened (the provider was down until time ran out, or a cancel won).
      if (existing.status !== 'pending') throw new HttpError(409, 'checkout_closed', `checkout ${orderId} is ${existing.status}; start a new one with another orderId`);
      // Still opening the provider's page: join the running checkout below.
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
      clientSecret: newClientSecret(orderId),
    };
    try {
      const { repeated, ...opened } = await checkouts.client.withAbortSignal(AbortSignal.timeout(OPEN_DEADLINE_MS), () => checkouts.open(input));
      res.status(repeated ? 200 : 201).json(opened);
    } catch (err) {
      throw refusal(err, orderId) ?? err;
    }
  });

  router.get('/:orderId', async (req, res) => {
    const { order, asShop } = await orderFor(req);
    res.set('Cache-Control', 'no-store').json(asShop ? orderView(order) : customerView(order));
  });

  // Browsers post the order page's cancel button as a form, with the client secret in it.
  router.post('/:orderId/cancel', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const { order } = await orderFor(req);
    if (order.status !== 'pending' && order.status !== 'awaiting_payment') {
      throw new HttpError(409, 'not_cancellable', `checkout is ${order.status}; only unpaid checkouts can be cancelled`);
    }
    await requestCancel(inbox, order, 'api');
    if (req.is('application/x-www-form-urlencoded')) return void res.redirect(303, orderPageUrl(config.storefrontUrl, order, true));
    res.status(202).json({ orderId: order._id, workflowId: checkoutWorkflowId(order._id), status: order.status, cancelling: true });
  });

  /**
   * The customer's browser back from the provider (KOMOJU: `/return`). Believe the provider's
   * API, not the URL; and a GET never cancels: a page still open stays open (a link prefetcher
   * or a double click must not cancel anyone's checkout), and the order page offers to continue
   * or to cancel. A customer who says they signed prompts the workflow to ask the provider.
   */
  router.get('/:orderId/*landing', async (req, res) => {
    const order = await store.orders.findOne({ _id: String(req.params.orderId) });
    if (!order) throw notFound(`checkout ${req.params.orderId}`);
    const provider = providers[order.payment.provider];
    const landing = (req.params.landing as unknown as string[]).join('/');
    if (!provider?.inbound.landings.includes(landing)) throw new HttpError(404, 'not_found', `no route for GET ${req.path}`);
    const landed = provider.inbound.land(landing, req.query, { orderId: order._id, reference: order.payment.reference });
    if (!landed.ok) throw new HttpError(landed.status, landed.code, landed.message);
    try {
      if (landed.says) await tellCheckout(inbox, order, landed.says, landing);
      // A paid order has nothing left to learn from the provider: asking would only start a
      // settlement run with nothing to settle (the webhook came first; the browser reloads).
      else if (order.payment.reference && !PAID.has(order.status)) await verifyWithProvider(provider, inbox, order, 'return');
    } catch (err) {
      // The webhook or the checkout's own timeout will settle it; the customer still goes on.
      log.warn({ err, orderId: order._id }, 'could not verify the return with the provider');
    }
    res.redirect(303, orderPageUrl(config.storefrontUrl, order, landed.fromCustomer));
  });

  return router;
}
