import type { CheckoutInput } from '../../src/domain/checkout';

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
    konbiniGraceMs: 3_600_000,
    ...overrides,
  };
}
