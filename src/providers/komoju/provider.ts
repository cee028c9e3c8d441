import type { Config } from '../../config';
import type { KonbiniSlip } from '../../domain/checkout';
import {
  ProviderError,
  type PaymentProvider,
  type PaymentSession,
  type PaymentStatus,
  type ProviderPayment,
  type SessionRequest,
} from '../types';
import { KomojuClient, type KomojuClientOptions } from './client';
import type { KomojuPayment, KomojuSession, KomojuSessionCreate } from './types';

/** KOMOJU's default and maximum session lifetime. */
export const KOMOJU_MAX_SESSION_SECONDS = 86_400;

export interface KomojuProvider extends PaymentProvider {
  readonly client: KomojuClient;
}

export function createKomojuProvider(
  config: Config['komoju'],
  options: Pick<KomojuClientOptions, 'timeoutMs' | 'fetch'> = {},
): KomojuProvider {
  const client = new KomojuClient({ apiUrl: config.apiUrl, secretKey: config.secretKey, ...options });
  return {
    client,
    async createSession(request: SessionRequest, idempotencyKey: string): Promise<PaymentSession> {
      const body = sessionBody(request);
      const session = await client.createSession(body, idempotencyKey);
      const seconds = body.expires_in_seconds ?? KOMOJU_MAX_SESSION_SECONDS;
      return {
        reference: session.id,
        redirectUrl: session.session_url,
        expiresAt: session.expires_at ?? new Date(Date.now() + seconds * 1000).toISOString(),
      };
    },
    async lookupSession(reference: string): Promise<ProviderPayment> {
      return fromSession(await client.getSession(reference));
    },
    async lookupPayment(paymentId: string): Promise<ProviderPayment> {
      return fromPayment(await client.getPayment(paymentId));
    },
    async refund(paymentId: string, amount: number, idempotencyKey: string): Promise<ProviderPayment> {
      return fromPayment(await client.refundPayment(paymentId, { amount }, idempotencyKey));
    },
    async cancel(paymentId: string, idempotencyKey: string): Promise<ProviderPayment> {
      return fromPayment(await client.cancelPayment(paymentId, idempotencyKey));
    },
    async closeSession(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
      try {
        return fromSession(await client.cancelSession(reference, idempotencyKey));
      } catch (err) {
        // KOMOJU refuses to cancel a session that already completed: then it is what it is.
        if (err instanceof ProviderError && !err.retryable) return fromSession(await client.getSession(reference));
        throw err;
      }
    },
  };
}

export function sessionBody(request: SessionRequest): KomojuSessionCreate {
  const seconds = Math.min(KOMOJU_MAX_SESSION_SECONDS, Math.max(1, Math.ceil(request.expiresInSeconds)));
  return {
    amount: request.amount,
    currency: request.currency,
    return_url: request.returnUrl,
    email: request.customer.email,
    default_locale: request.customer.locale,
    payment_types: [request.method],
    expires_in_seconds: seconds,
    payment_data: { external_order_num: request.orderId },
    metadata: { order_id: request.orderId },
    line_items: request.items.map((item) => ({
      description: item.name,
      amount: item.unitPrice,
      quantity: item.quantity,
    })),
  };
}

/** What a session says about the checkout; a payment, once there is one, is the truth. */
export function fromSession(session: KomojuSession): ProviderPayment {
  if (session.payment) {
    const payment = fromPayment(session.payment);
    // A cancelled session with a payment that never went anywhere is still cancelled.
    return session.status === 'cancelled' && payment.status === 'pending' ? { ...payment, status: 'cancelled' } : payment;
  }
  const base = { paymentId: null, amount: session.amount, currency: session.currency };
  switch (session.status) {
    case 'pending':
      return { ...base, status: session.expired ? 'expired' : 'pending' };
    case 'cancelled':
      return { ...base, status: 'cancelled' };
    case 'completed':
      // "completed" promises a payment; without one the answer is incomplete: ask again.
      throw new ProviderError(`KOMOJU session ${session.id} is completed but has no payment`, 200, 'invalid_response', true);
    default:
      throw new ProviderError(`KOMOJU session ${session.id} has unknown status "${String(session.status)}"`, 200, 'unexpected_status', false);
  }
}

const PAYMENT_STATUS: Record<string, PaymentStatus> = {
  pending: 'pending',
  authorized: 'authorized',
  captured: 'captured',
  expired: 'expired',
  cancelled: 'cancelled',
  refunded: 'refunded',
  failed: 'failed',
};

export function fromPayment(payment: KomojuPayment): ProviderPayment {
  const status = PAYMENT_STATUS[payment.status];
  if (!status) {
    throw new ProviderError(`KOMOJU payment ${payment.id} has unknown status "${String(payment.status)}"`, 200, 'unexpected_status', false);
  }
  const result: ProviderPayment = { paymentId: payment.id, status, amount: payment.amount, currency: payment.currency };
  const konbini = konbiniSlip(payment);
  if (konbini) result.konbini = konbini;
  return result;
}

export function konbiniSlip(payment: KomojuPayment): KonbiniSlip | undefined {
  const details = payment.payment_details;
  if (!details || details.type !== 'konbini') return undefined;
  const d = details as { store?: unknown; instructions_url?: unknown; confirmation_code?: unknown };
  const slip: KonbiniSlip = {};
  if (typeof d.store === 'string') slip.store = d.store;
  if (payment.payment_deadline) slip.deadline = payment.payment_deadline;
  if (typeof d.instructions_url === 'string') slip.instructionsUrl = d.instructions_url;
  if (typeof d.confirmation_code === 'string') slip.confirmationCode = d.confirmation_code;
  return slip;
}
