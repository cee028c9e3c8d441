/**
 * `/webhooks/{provider}`: one route for every provider's webhooks and callbacks. The provider
 * module verifies and parses the delivery; this route records it in the inbox and answers as
 * soon as it is durable. Delivery to the checkout happens after the answer, by the relay, so a
 * slow or absent Temporal never delays or fails the provider's delivery.
 */
import express, { Router } from 'express';
import type { Logger } from 'pino';
import type { Store } from '../db/mongo';
import type { InboxDoc } from '../db/schema';
import type { Metrics } from '../metrics';
import type { Providers } from '../providers';
import type { InboundEvent } from '../providers/types';
import { checkoutWorkflowId } from '../temporal/messages';
import { HttpError } from './errors';
import type { EventInbox } from './inbox';

/** The order an event is about: the one it names, or the one holding the provider reference it names. */
async function orderOf(store: Store, event: InboundEvent): Promise<string | null> {
  if (event.orderId) return (await store.orders.findOne({ _id: event.orderId }, { projection: { _id: 1 } })) ? event.orderId : null;
  if (!event.reference) return null;
  // A provider that lets us choose its id (Resurs books under the order id) names the order's own
  // row: one read by key. Only other references need the search, a scan on the embedded database.
  const own = await store.orders.findOne({ _id: event.reference, 'payment.reference': event.reference }, { projection: { _id: 1 } });
  if (own) return own._id;
  const order = await store.orders.findOne({ 'payment.reference': event.reference }, { projection: { _id: 1 } });
  return order?._id ?? null;
}

export interface WebhookDeps {
  store: Store;
  inbox: EventInbox;
  providers: Providers;
  metrics: Pick<Metrics, 'webhookDuration'>;
  log: Logger;
}

export function webhooksRouter({ store, inbox, providers, metrics, log }: WebhookDeps): Router {
  const router = Router();
  // Signatures cover the exact bytes, so these routes see the raw body, never parsed JSON.
  router.all(['/:provider', '/:provider/*path'], express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const name = req.params.provider as keyof Providers;
    const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
    if (!provider || !provider.inbound.webhookMethods.includes(req.method)) throw new HttpError(404, 'not_found', `no webhook route for ${req.method} ${req.path}`);

    // Timed until answered; known providers only, so a stranger's paths add no label values.
    const end = metrics.webhookDuration.startTimer({ provider: name });
    res.on('finish', () => end({ outcome: res.locals.outcome ?? (res.statusCode < 500 ? 'refused' : 'error') }));
    const answered = inbox.answer();
    res.on('close', answered);

    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const received = provider.inbound.receive({
      method: req.method,
      path: req.path.slice(`/${name}`.length),
      query: Object.fromEntries(Object.entries(req.query).map(([key, value]) => [key, typeof value === 'string' ? value : undefined])),
      header: (header) => req.get(header),
      rawBody,
    });
    if (!received.ok) {
      log.warn({ provider: name, status: received.status, code: received.code }, 'webhook refused');
      throw new HttpError(received.status, received.code, received.message);
    }

    const { event } = received;
    const orderId = await orderOf(store, event);
    const state: InboxDoc['state'] = !event.signal ? 'ignored' : orderId ? 'recorded' : 'unroutable';
    const id = `${name}:${event.id}`;
    const fresh = await inbox.record({
      _id: id,
      provider: name,
      source: 'webhook',
      type: event.type,
      orderId: orderId ?? event.orderId,
      paymentId: event.paymentId,
      signal: event.signal,
      body: rawBody.toString('utf8'),
      state,
      ...(state === 'unroutable' ? { note: 'no such order in this service' } : {}),
    });
    const outcome = !fresh ? 'duplicate' : state === 'unroutable' ? 'unknown_order' : state === 'ignored' ? 'ignored' : 'accepted';
    res.locals.outcome = outcome;
    const about = orderId ?? event.orderId;
    log.info({ provider: name, providerEventId: event.id, type: event.type, orderId: about, workflowId: about && checkoutWorkflowId(about), outcome }, 'webhook recorded');
    const answer = provider.inbound.answer(outcome === 'duplicate' || outcome === 'unknown_order' ? outcome : 'accepted');
    res.status(answer.status);
    if (answer.body === undefined) res.end();
    else res.json(answer.body);
    answered();
    if (fresh && state === 'recorded') void inbox.kick(id);
  });
  return router;
}
