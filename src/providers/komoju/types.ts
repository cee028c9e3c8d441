/**
 * KOMOJU's wire format (snake_case, as sent and received), per shared/design/providers.md.
 * Only the fields this service reads or the sandbox writes are typed; KOMOJU sends more.
 */

export type KomojuSessionStatus = 'pending' | 'completed' | 'cancelled';

export type KomojuPaymentStatus = 'pending' | 'authorized' | 'captured' | 'expired' | 'cancelled' | 'refunded' | 'failed';

export type KomojuPaymentType = 'credit_card' | 'konbini';

export type KomojuKonbiniStore =
  | 'seven-eleven'
  | 'lawson'
  | 'family-mart'
  | 'ministop'
  | 'daily-yamazaki'
  | 'seicomart';

export type KomojuLocale = 'ja' | 'en';

export interface KomojuLineItem {
  description: string;
  amount: number;
  quantity: number;
}

/** `POST /api/v1/sessions` body. */
export interface KomojuSessionCreate {
  amount: number;
  currency: string;
  return_url: string;
  email?: string;
  default_locale?: KomojuLocale;
  payment_types?: string[];
  /** Default and maximum 86,400. */
  expires_in_seconds?: number;
  payment_data?: { external_order_num?: string };
  /** string → string; keys ≤ 30 chars, values ≤ 2,000 chars. */
  metadata?: Record<string, string>;
  line_items?: KomojuLineItem[];
}

export interface KomojuSession {
  id: string;
  resource: 'session';
  mode: 'payment';
  status: KomojuSessionStatus;
  amount: number;
  currency: string;
  session_url: string;
  return_url: string;
  default_locale: KomojuLocale;
  payment_methods: { type: string }[];
  payment_data?: { external_order_num?: string | null };
  metadata?: Record<string, string>;
  line_items?: KomojuLineItem[];
  email?: string | null;
  created_at: string;
  cancelled_at: string | null;
  completed_at: string | null;
  /** Not documented by KOMOJU (unconfirmed); the sandbox sends it. */
  expires_at?: string;
  expired: boolean;
  payment: KomojuPayment | null;
}

export interface KomojuCardDetails {
  type: 'credit_card';
  brand: string;
  last_four_digits: string;
  month?: number;
  year?: number;
  name?: string | null;
}

export interface KomojuKonbiniDetails {
  type: 'konbini';
  store: KomojuKonbiniStore | string;
  email?: string | null;
  confirmation_code?: string | null;
  receipt?: string | null;
  instructions_url?: string | null;
}

/** Other payment types pass through untyped. */
export interface KomojuOtherDetails {
  type: string;
  [key: string]: unknown;
}

export type KomojuPaymentDetails = KomojuCardDetails | KomojuKonbiniDetails | KomojuOtherDetails;

export interface KomojuRefund {
  id: string;
  resource: 'refund';
  amount: number;
  currency: string;
  payment: string;
  description: string | null;
  created_at: string;
  chargeback: boolean;
}

export interface KomojuPayment {
  id: string;
  resource: 'payment';
  status: KomojuPaymentStatus;
  amount: number;
  tax: number;
  total: number;
  currency: string;
  payment_method_fee: number;
  external_order_num: string | null;
  /** Konbini: 23:59:59 JST of the last day; null for cards. */
  payment_deadline: string | null;
  payment_details: KomojuPaymentDetails;
  captured_at: string | null;
  cancelled_at?: string | null;
  created_at: string;
  amount_refunded: number;
  refunds: KomojuRefund[];
  /** The session id this payment came from. */
  session: string | null;
  metadata: Record<string, string>;
}

export type KomojuEventType =
  | 'ping'
  | 'payment.authorized'
  | 'payment.captured'
  | 'payment.updated'
  | 'payment.expired'
  | 'payment.cancelled'
  | 'payment.refund.created'
  | 'payment.refunded'
  | 'payment.failed';

/** Webhook envelope. `data` is the Payment (for `ping`, whatever KOMOJU sends). */
export interface KomojuEvent<T = KomojuPayment> {
  id: string;
  type: KomojuEventType | string;
  resource: 'event';
  created_at: string;
  reason: string | null;
  data: T;
}

export type KomojuErrorCode = 'bad_request' | 'unauthorized' | 'request_failed' | 'unprocessable_entity' | 'not_found' | string;

export interface KomojuErrorBody {
  error: { code: KomojuErrorCode; message: string; param: string | null };
}

/** `POST /api/v1/payments/{id}/refund` body: no amount = full refund. */
export interface KomojuRefundCreate {
  amount?: number;
  description?: string;
}
