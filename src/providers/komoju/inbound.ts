/**
 * What KOMOJU sends us: signed webhooks (`POST /webhooks/komoju`) and the customer's browser back
 * on `return_url?session_id=…`. Verified and parsed here; the API only records and relays.
 */
import { timingSafeEqual } from 'node:crypto';
import type { PaymentEventKind } from '../../temporal/messages';
import type { Delivery, ProviderInbound, Received } from '../types';
import { verifyKomojuSignature } from './signature';

/** The checkout signal each KOMOJU event becomes; other events (ping, updated, refund.created) need none. */
const SIGNALS: Record<string, PaymentEventKind> = {
  'payment.captured': 'captured',
  'payment.authorized': 'authorized',
  'payment.expired': 'expired',
  'payment.cancelled': 'cancelled',
  'payment.refunded': 'refunded',
};

interface Envelope {
  id?: unknown;
  type?: unknown;
  data?: { id?: unknown; external_order_num?: unknown; session?: unknown } | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

export function komojuInbound(webhookSecret: string): ProviderInbound {
  return {
    webhookMethods: ['POST'],

    receive({ rawBody, header }: Delivery): Received {
      // The signature covers the exact bytes: verify before parsing anything.
      if (!verifyKomojuSignature(rawBody, header('x-komoju-signature'), webhookSecret)) {
        return { ok: false, status: 401, code: 'invalid_signature', message: 'the X-Komoju-Signature header does not match the body' };
      }
      let envelope: Envelope;
      try {
        envelope = JSON.parse(rawBody.toString('utf8')) as Envelope;
      } catch {
        return { ok: false, status: 400, code: 'invalid_json', message: 'webhook body is not JSON' };
      }
      if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope)) {
        return { ok: false, status: 400, code: 'invalid_request', message: 'webhook body is not an event object' };
      }
      const id = text(envelope.id) ?? text(header('x-komoju-id'));
      if (!id) return { ok: false, status: 400, code: 'invalid_request', message: 'webhook has no event id' };
      const type = text(envelope.type) ?? text(header('x-komoju-event')) ?? 'unknown';
      const data = envelope.data && typeof envelope.data === 'object' ? envelope.data : {};
      return {
        ok: true,
        event: {
          id,
          type,
          orderId: text(data.external_order_num),
          reference: text(data.session),
          paymentId: text(data.id),
          signal: SIGNALS[type] ?? null,
        },
      };
    },

    // KOMOJU counts any 2xx as delivered; events for orders we do not know are kept for operators.
    answer: (outcome) => ({ status: 200, body: { received: true, duplicate: outcome === 'duplicate' } }),

    // KOMOJU appends `session_id` to the return URL: only the customer's browser knows it.
    landings: ['return'],
    land(_landing, query, { reference }) {
      const given = query.session_id;
      if (typeof given !== 'string' || !reference) return { ok: true, fromCustomer: false };
      const a = Buffer.from(given);
      const b = Buffer.from(reference);
      return { ok: true, fromCustomer: a.length === b.length && timingSafeEqual(a, b) };
    },
  };
}
