/**
 * What the API tells a checkout besides provider webhooks: what the provider says after the
 * customer's return (or an operator's reconcile), and cancel requests. Each goes through the
 * inbox like a webhook, so it is durable, relayed after the answer, and signalled once.
 */
import type { EventInbox } from '../api/inbox';
import type { OrderDoc } from '../db/schema';
import type { PaymentProvider, ProviderPayment } from '../providers/types';
import { signalFor, type PaymentEvent, type PaymentEventKind } from '../temporal/messages';


/**
 * Asks the provider about the order's payment (never the URL) and tells the checkout. A return
 * visit records each provider status once, so visiting again when nothing changed adds nothing
 * to the workflow's history; an operator's reconcile always tells.
 */
export async function verifyWithProvider(
  provider: PaymentProvider,
  inbox: EventInbox,
  order: OrderDoc,
  source: 'return' | 'reconcile',
): Promise<{ seen: ProviderPayment; signalled: PaymentEventKind | null }> {
  const seen = await provider.lookup({ orderId: order._id, reference: order.payment.reference, paymentId: null });
  const signal = signalFor(seen.status);
  if (!signal) return { seen, signalled: null };
  const id = source === 'return' ? `return:${order._id}:${seen.status}:${seen.paymentId ?? '-'}` : `reconcile:${order._id}:${Date.now()}`;
  const fresh = await inbox.record({
    _id: id,
    provider: order.payment.provider,
    source,
    type: `${source}.${seen.status}`,
    orderId: order._id,
    paymentId: seen.paymentId,
    signal,
    body: JSON.stringify(seen),
    state: 'recorded',
  });
  if (fresh) void inbox.kick(id);
  return { seen, signalled: fresh ? signal : null };
}

/** The shop, the customer or an operator asks to cancel: recorded once per source, then relayed. */
export function requestCancel(inbox: EventInbox, order: OrderDoc, source: 'api' | 'admin'): Promise<void> {
  return tell(inbox, order, `cancel:${source}:${order._id}`, source, 'cancelled');
}

/** The customer says something only the provider can confirm (they signed): told once, then relayed. */
export function tellCheckout(inbox: EventInbox, order: OrderDoc, says: 'signed', landing: string): Promise<void> {
  return tell(inbox, order, `return:${order._id}:${says}:${landing}`, 'return', says);
}

async function tell(inbox: EventInbox, order: OrderDoc, id: string, source: PaymentEvent['source'], signal: PaymentEventKind): Promise<void> {
  const fresh = await inbox.record({ _id: id, provider: order.payment.provider, source, type: `${source}.${signal}`, orderId: order._id, paymentId: null, signal, body: '{}', state: 'recorded' });
  if (fresh) void inbox.kick(id);
}
