import type { CheckoutInput, PendingPayment } from '../../src/domain/checkout';
import type { ProviderPayment } from '../../src/providers/types';

/** A priced, validated checkout as the API hands it to the workflow: two General seats, 3,000 JPY. */
export function checkoutInput(orderId: string, overrides: Partial<CheckoutInput> = {}): CheckoutInput {
  return {
    orderId,
    requestHash: 'hash-1',
    eventId: 'concert',
    eventTitle: 'Concert',
    items: [{ ticketTypeId: 'general', quantity: 2, name: 'General', unitPrice: 1500 }],
    amount: 3000,
    currency: 'JPY',
    customer: { email: 'a@example.com', name: 'A', locale: 'en' },
    payment: { provider: 'komoju', method: 'credit_card' },
    checkoutTimeoutMs: 30 * 60_000,
    clientSecret: `${orderId}_secret_test`,
    ...overrides,
  };
}

/** A konbini slip as the KOMOJU provider module reports it: pending until the store's deadline (plus grace). */
export function konbiniSlip(orderId: string, paymentId: string, deadline: string, graceMs = 3_600_000): ProviderPayment & { pending: PendingPayment } {
  return {
    paymentId,
    status: 'pending',
    amount: 3000,
    currency: 'JPY',
    owner: { orderId, reference: `sess_${orderId}` },
    pending: {
      kind: 'konbini',
      reason: 'konbini slip issued at lawson: waiting for the customer to pay at the store',
      deadline,
      settleBy: new Date(Date.parse(deadline) + graceMs).toISOString(),
      details: { store: 'lawson', instructionsUrl: 'https://pay.example/i', confirmationCode: '1234' },
      notice: 'konbini_instructions',
    },
  };
}
