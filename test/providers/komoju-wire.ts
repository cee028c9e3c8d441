/** KOMOJU wire objects and checkout requests for the provider tests (pure builders, no I/O). */
import type { KomojuPayment, KomojuSession } from '../../src/providers/komoju/types';
import type { PaymentRef, StartRequest } from '../../src/providers/types';

export function wirePayment(overrides: Partial<KomojuPayment> = {}): KomojuPayment {
  return {
    id: 'pay1',
    resource: 'payment',
    status: 'captured',
    amount: 1500,
    tax: 0,
    total: 1500,
    currency: 'JPY',
    payment_method_fee: 0,
    external_order_num: 'order-1',
    payment_deadline: null,
    payment_details: { type: 'credit_card', brand: 'visa', last_four_digits: '1111' },
    captured_at: '2025-01-01T00:00:00.000Z',
    created_at: '2025-01-01T00:00:00.000Z',
    amount_refunded: 0,
    refunds: [],
    session: 'sess1',
    metadata: {},
    ...overrides,
  };
}

export function wireSession(overrides: Partial<KomojuSession> = {}): KomojuSession {
  return {
    id: 'sess1',
    resource: 'session',
    mode: 'payment',
    status: 'pending',
    amount: 1500,
    currency: 'JPY',
    session_url: 'https://komoju.example/sessions/sess1',
    return_url: 'https://shop.example/return',
    default_locale: 'ja',
    payment_methods: [{ type: 'credit_card' }],
    payment_data: { external_order_num: 'order-1' },
    created_at: '2025-01-01T00:00:00.000Z',
    cancelled_at: null,
    completed_at: null,
    expired: false,
    payment: null,
    ...overrides,
  };
}

/** An authorized konbini payment (an issued slip), as KOMOJU sends it. */
export function wireKonbini(overrides: Partial<KomojuPayment> = {}): KomojuPayment {
  return wirePayment({
    status: 'authorized',
    captured_at: null,
    payment_deadline: '2018-10-18T14:59:59Z',
    payment_details: {
      type: 'konbini',
      store: 'lawson',
      confirmation_code: '1234',
      instructions_url: 'https://komoju.example/slip',
      receipt: 'R-1',
    },
    ...overrides,
  });
}

export const checkoutUrl = (orderId: string) => `https://shop.example/checkouts/${orderId}`;

export function startRequest(orderId: string, overrides: Partial<StartRequest> = {}): StartRequest {
  return {
    orderId,
    amount: 3000,
    currency: 'JPY',
    method: 'credit_card',
    customer: { email: 'hanako@example.com', name: 'Hanako', locale: 'ja' },
    items: [{ ticketTypeId: 's', name: 'S seat', unitPrice: 1500, quantity: 2 }],
    checkoutUrl: checkoutUrl(orderId),
    expiresInSeconds: 1800,
    ...overrides,
  };
}

/** A checkout's reference (and payment) as the workflow hands it to the provider. */
export const ref = (orderId: string, reference: string | null, paymentId?: string | null): PaymentRef => ({ orderId, reference, paymentId });
