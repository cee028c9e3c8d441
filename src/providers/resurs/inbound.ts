/**
 * What Resurs Bank sends us: callbacks (`GET|POST /webhooks/resurs/{TYPE}?paymentId=&result=&digest=`)
 * with a salted digest, and the customer's browser back at `/checkouts/{orderId}/resurs/{success|fail|back}`
 * with the signed apiData container. Verified and parsed here; the API only records and relays.
 */
import type { PaymentEventKind } from '../../temporal/messages';
import type { Delivery, ProviderInbound, Received } from '../types';
import { decodeApiData, type ResursLanding } from './api-data';
import type { ResursCallbackType } from './client';
import { verifyCallbackDigest } from './digest';

/** The checkout signal each callback becomes; a signal only prompts the workflow to ask getPayment. */
const SIGNALS: Record<ResursCallbackType, PaymentEventKind | null> = {
  BOOKED: 'authorized',
  AUTOMATIC_FRAUD_CONTROL: 'authorized',
  UNFREEZE: 'authorized',
  FINALIZATION: 'captured',
  ANNULMENT: 'cancelled',
  UPDATE: null,
  TEST: null,
};

const text = (value: string | undefined): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

export function resursInbound({ callbackSalt, apiDataKey }: { callbackSalt: string; apiDataKey: string }): ProviderInbound {
  return {
    // BOOKED may come as a POST and again as a GET: both are accepted (and the inbox sees one).
    webhookMethods: ['GET', 'POST'],

    receive({ path, query }: Delivery): Received {
      const type = path.replace(/^\//, '') as ResursCallbackType;
      if (!Object.hasOwn(SIGNALS, type)) return { ok: false, status: 404, code: 'not_found', message: `no Resurs callback ${path}` };
      const params = type === 'TEST' ? ['param1', 'param2', 'param3', 'param4', 'param5'].map((name) => query[name] ?? '') : [query.paymentId ?? '', query.result ?? ''];
      if (!verifyCallbackDigest(query.digest ?? '', params, callbackSalt)) {
        return { ok: false, status: 406, code: 'invalid_digest', message: 'the callback digest does not match' };
      }
      const paymentId = type === 'TEST' ? null : text(query.paymentId);
      if (type !== 'TEST' && !paymentId) return { ok: false, status: 400, code: 'invalid_request', message: 'callback has no paymentId' };
      const result = text(query.result);
      // Resurs callbacks carry no event id: the type, payment and result are the event, so a
      // repeat (POST then GET, or days later) is recognised as the same one.
      const id = [type, paymentId ?? params.join(':'), result].filter(Boolean).join(':');
      return { ok: true, event: { id, type: result ? `${type}:${result}` : type, orderId: null, reference: paymentId, paymentId, signal: SIGNALS[type] } };
    },

    // The reference plugin's convention: 204 accepted, 410 unknown payment (406: bad digest, above).
    answer: (outcome) => ({ status: outcome === 'unknown_order' ? 410 : 204 }),

    landings: ['resurs/success', 'resurs/fail', 'resurs/back'],
    land(landing, query, { orderId }) {
      const urlType = landing.slice('resurs/'.length) as ResursLanding;
      const data = decodeApiData(query.apiData, apiDataKey);
      if (!data || data.orderId !== orderId || data.urlType !== urlType) {
        return { ok: false, status: 400, code: 'invalid_api_data', message: 'the apiData of this return link is missing or was altered' };
      }
      // Back from signing (simplified flow), signed or not: the checkout asks bookSignedPayment,
      // whose answer decides (booked, denied, or still waiting for the signature). The hosted
      // flow's outcome comes from callbacks or getPayment only.
      return { ok: true, fromCustomer: true, ...(urlType !== 'back' && data.checkoutType === 'simplified' ? { says: 'signed' as const } : {}) };
    },
  };
}
