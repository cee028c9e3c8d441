import type { Config } from '../../config';
import { ProviderError, type PaymentProvider, type PaymentRef, type StartedPayment, type StartRequest } from '../types';
import { KomojuClient, type KomojuClientOptions } from './client';
import { komojuInbound } from './inbound';
import { fromPayment, fromSession } from './payments';
import type { KomojuSessionCreate } from './types';

/** KOMOJU's default and maximum session lifetime. */
export const KOMOJU_MAX_SESSION_SECONDS = 86_400;

export interface KomojuProvider extends PaymentProvider {
  readonly client: KomojuClient;
}

type KomojuConfig = Pick<Config['komoju'], 'apiUrl' | 'secretKey' | 'webhookSecret' | 'konbiniGraceMs'>;

/**
 * KOMOJU behind the provider seam: a hosted page (session) the customer is sent to; a card is
 * paid when captured, a konbini slip is a pending payment until the customer pays at the store.
 */
export function createKomojuProvider(config: KomojuConfig, options: Pick<KomojuClientOptions, 'timeoutMs' | 'fetch'> = {}): KomojuProvider {
  const client = new KomojuClient({ apiUrl: config.apiUrl, secretKey: config.secretKey, ...options });
  const grace = config.konbiniGraceMs;
  const paymentOf = (ref: PaymentRef): string => {
    if (!ref.paymentId) throw new ProviderError(`order ${ref.orderId} has no KOMOJU payment yet`, 0, 'no_payment', false);
    return ref.paymentId;
  };
  const sessionOf = (ref: PaymentRef): string => {
    if (!ref.reference) throw new ProviderError(`order ${ref.orderId} has no KOMOJU session`, 0, 'no_session', false);
    return ref.reference;
  };
  const lookup = async (ref: PaymentRef) =>
    ref.paymentId ? fromPayment(await client.getPayment(ref.paymentId), grace) : fromSession(await client.getSession(sessionOf(ref)), grace);

  return {
    name: 'komoju',
    client,
    inbound: komojuInbound(config.webhookSecret),

    async start(request: StartRequest, idempotencyKey: string): Promise<StartedPayment> {
      const body = sessionBody(request);
      const session = await client.createSession(body, idempotencyKey);
      const seconds = body.expires_in_seconds ?? KOMOJU_MAX_SESSION_SECONDS;
      return {
        reference: session.id,
        nextAction: { type: 'redirect', url: session.session_url },
        expiresAt: session.expires_at ?? new Date(Date.now() + seconds * 1000).toISOString(),
      };
    },
    lookup,
    // KOMOJU has no signing step: the customer's word is checked like any other.
    confirmSigned: (ref) => lookup(ref),
    async capture(ref, _amount, idempotencyKey) {
      return fromPayment(await client.capturePayment(paymentOf(ref), idempotencyKey), grace);
    },
    async void(ref, idempotencyKey) {
      return fromPayment(await client.cancelPayment(paymentOf(ref), idempotencyKey), grace);
    },
    async refund(ref, amount, idempotencyKey) {
      return fromPayment(await client.refundPayment(paymentOf(ref), { amount }, idempotencyKey), grace);
    },
    async close(ref, idempotencyKey) {
      const id = sessionOf(ref);
      try {
        return fromSession(await client.cancelSession(id, idempotencyKey), grace);
      } catch (err) {
        // KOMOJU refuses to cancel a session that already completed: then it is what it is.
        if (err instanceof ProviderError && !err.retryable) return fromSession(await client.getSession(id), grace);
        throw err;
      }
    },
  };
}

export function sessionBody(request: StartRequest): KomojuSessionCreate {
  const seconds = Math.min(KOMOJU_MAX_SESSION_SECONDS, Math.max(1, Math.ceil(request.expiresInSeconds)));
  return {
    amount: request.amount,
    currency: request.currency,
    return_url: `${request.checkoutUrl}/return`,
    email: request.customer.email,
    default_locale: request.customer.locale,
    payment_types: [request.method],
    expires_in_seconds: seconds,
    payment_data: { external_order_num: request.orderId },
    metadata: { order_id: request.orderId },
    line_items: request.items.map((item) => ({ description: item.name, amount: item.unitPrice, quantity: item.quantity })),
  };
}
