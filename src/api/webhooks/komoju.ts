import express, { Router } from 'express';
import type { Store } from '../../db/mongo';
import type { InboxDoc } from '../../db/schema';
import { verifyKomojuSignature } from '../../providers/komoju/signature';
import type { PaymentEventKind } from '../../temporal/messages';
import { HttpError } from '../errors';
import type { RoutedEvent, WebhookInbox } from './inbox';

const SIGNALS: Record<string, PaymentEventKind> = {
  'payment.captured': 'captured',
  'payment.authorized': 'authorized',
  'payment.expired': 'expired',
  'payment.cancelled': 'cancelled',
  'payment.refunded': 'refunded',
};

interface KomojuEnvelope {
  id?: string;
  type?: string;
  data?: { id?: string; external_order_num?: string };
}

/** Which checkout signal a recorded KOMOJU event becomes, if any. */
export function routeKomojuEvent(doc: InboxDoc): RoutedEvent | undefined {
  const kind = SIGNALS[doc.type];
  if (!kind || !doc.orderId) return undefined;
  return { kind, orderId: doc.orderId, event: { eventId: doc._id, source: 'webhook', paymentId: doc.paymentId ?? undefined } };
}

export function komojuWebhookRouter({ store, inbox, webhookSecret }: { store: Store; inbox: WebhookInbox; webhookSecret: string }): Router {
  const router = Router();
  // The signature covers the exact bytes, so this route must see the raw body.
  router.post('/', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyKomojuSignature(raw, req.get('x-komoju-signature'), webhookSecret)) {
      throw new HttpError(401, 'invalid_signature', 'the X-Komoju-Signature header does not match the body');
    }
    let envelope: KomojuEnvelope;
    try {
      envelope = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'webhook body is not JSON');
    }
    const deliveryId = envelope.id ?? req.get('x-komoju-id');
    const type = envelope.type ?? req.get('x-komoju-event') ?? 'unknown';
    if (!deliveryId) throw new HttpError(400, 'invalid_request', 'webhook has no event id');

    const orderId = envelope.data?.external_order_num ?? null;
    const known = orderId ? (await store.orders.countDocuments({ _id: orderId })) === 1 : false;
    const doc = {
      _id: `komoju:${deliveryId}`,
      provider: 'komoju',
      type,
      orderId,
      paymentId: envelope.data?.id ?? null,
      body: raw.toString('utf8'),
      state: (SIGNALS[type] ? (known ? 'recorded' : 'unroutable') : 'ignored') as InboxDoc['state'],
      ...(SIGNALS[type] && !known ? { note: 'no such order in this service' } : {}),
    };
    const fresh = await inbox.record(doc);
    const routed = fresh && doc.state === 'recorded' ? routeKomojuEvent({ ...doc, receivedAt: new Date() }) : undefined;
    if (routed) await inbox.deliver(doc._id, routed); // never throws: the relay retries
    res.status(200).json({ received: true, duplicate: !fresh });
  });
  return router;
}
