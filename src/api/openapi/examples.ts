/**
 * Examples for the API description. Request examples are sent as they are to a running service
 * by `test/api/openapi.test.ts` (in order: the event, then its checkouts, …), and response
 * examples are validated against their schemas. The provider examples are signed with the
 * built-in sandboxes' public secrets, so they are accepted by a sandbox deployment as they stand.
 */
import { SANDBOX_SECRETS } from '../../config';
import { signKomoju } from '../../providers/komoju/signature';
import { apiDataKey, encodeApiData } from '../../providers/resurs/api-data';
import { callbackDigest } from '../../providers/resurs/digest';

type Example = { summary: string; description?: string; value: unknown };

export const createEvent: Record<string, Example> = {
  live: {
    summary: 'An event with 100 seats',
    value: { id: 'live', title: 'Live at Budokan', currency: 'JPY', ticketTypes: [{ id: 'general', name: 'General', price: 3000, capacity: 100 }] },
  },
};

const aki = { email: 'aki@example.com', name: 'Aki', locale: 'en' };
export const RESURS_ORDER = 'order-rs-1';

export const RCO_ORDER = 'order-rco-1';

export const openResursCheckout = { orderId: RCO_ORDER, eventId: 'live', items: [{ ticketTypeId: 'general', quantity: 1 }], method: 'INVOICE' };

export const resursCheckoutSession = {
  orderId: RCO_ORDER,
  amount: 3000,
  currency: 'JPY',
  reference: RCO_ORDER,
  sessionId: '9f3c1b7e2a4d4c0e8b6a5f1d2c3b4a59',
  iframeUrl: 'https://tickets.example.com/sandbox/resurs/checkout/iframe/9f3c1b7e2a4d4c0e8b6a5f1d2c3b4a59',
  origin: 'https://tickets.example.com',
};

export const rejection = { kind: 'deny', message: 'Your purchase was not approved by Resurs Bank. You can try another payment method.' };

export const createCheckout: Record<string, Example> = {
  card: {
    summary: 'KOMOJU, credit card',
    value: { orderId: 'order-1', eventId: 'live', items: [{ ticketTypeId: 'general', quantity: 2 }], customer: aki, payment: { provider: 'komoju', method: 'credit_card' } },
  },
  konbini: {
    summary: 'KOMOJU, konbini (pay cash at a convenience store later)',
    value: { orderId: 'order-2', eventId: 'live', items: [{ ticketTypeId: 'general', quantity: 1 }], customer: aki, payment: { provider: 'komoju', method: 'konbini' } },
  },
  resurs: {
    summary: 'Resurs Bank invoice, simplified flow (the customer signs)',
    description: 'The government id `198801082382` is the sandbox test person who signs.',
    value: {
      orderId: RESURS_ORDER,
      eventId: 'live',
      items: [{ ticketTypeId: 'general', quantity: 1 }],
      customer: {
        email: 'astrid@example.com',
        name: 'Astrid Lindqvist',
        locale: 'en',
        governmentId: '198801082382',
        phone: '0701234567',
        address: { addressRow1: 'Storgatan 1', postalCode: '25220', postalArea: 'Helsingborg', country: 'SE' },
      },
      payment: { provider: 'resurs', method: 'INVOICE', flow: 'simplified' },
    },
  },
  rco: {
    summary: 'Resurs Checkout (the iframe), on its checkout:booking-order',
    description: 'After `POST /checkouts/resurs/sessions` with the same `orderId`; the customer identifies themselves in the iframe, so no government id here.',
    value: { orderId: RCO_ORDER, eventId: 'live', items: [{ ticketTypeId: 'general', quantity: 1 }], customer: aki, payment: { provider: 'resurs', method: 'INVOICE', flow: 'rco' } },
  },
};

const at = '2025-06-01T10:00:00.000Z';
const later = '2025-06-01T10:30:00.000Z';
const redirectUrl = 'https://tickets.example.com/sandbox/komoju/sessions/ses_4f2a9c';

export const event = {
  id: 'live',
  title: 'Live at Budokan',
  currency: 'JPY',
  ticketTypes: [{ id: 'general', name: 'General', price: 3000, capacity: 100, sold: 2, reserved: 1, available: 97 }],
  totalSales: 6000,
};

export const opened = {
  orderId: 'order-1',
  workflowId: 'checkout-order-1',
  status: 'pending',
  redirectUrl,
  nextAction: { type: 'redirect', url: redirectUrl },
  expiresAt: later,
  clientSecret: 'order-1_secret_Vb3kQ9xZt2mW8pLr4sYc1nHf6dJg0aEu',
};

const items = [{ ticketTypeId: 'general', quantity: 2, name: 'General', unitPrice: 3000 }];

export const completed = {
  orderId: 'order-1',
  status: 'completed',
  statusCode: 1,
  amount: 6000,
  currency: 'JPY',
  items,
  customer: { email: 'aki@example.com', name: 'Aki' },
  payment: { provider: 'komoju', method: 'credit_card', reference: 'ses_4f2a9c', status: 'captured' },
  tickets: [
    { code: 'TK-7Q2M-94XD', ticketTypeId: 'general' },
    { code: 'TK-B3RW-1K8P', ticketTypeId: 'general' },
  ],
  history: [
    { at, status: 'pending', reason: 'seats held' },
    { at: '2025-06-01T10:04:12.000Z', status: 'completed', reason: 'payment captured' },
  ],
};

export const awaitingKonbini = {
  orderId: 'order-2',
  status: 'awaiting_payment',
  statusCode: 5,
  amount: 3000,
  currency: 'JPY',
  items: [{ ...items[0], quantity: 1 }],
  customer: { email: 'aki@example.com', name: 'Aki' },
  payment: {
    provider: 'komoju',
    method: 'konbini',
    reference: 'ses_8d1e07',
    status: 'pending',
    pending: { kind: 'konbini', reason: 'konbini slip issued at lawson', deadline: '2025-06-04T14:59:59.000Z', settleBy: '2025-06-04T15:59:59.000Z' },
    konbini: { store: 'lawson', deadline: '2025-06-04T14:59:59.000Z', instructionsUrl: 'https://tickets.example.com/sandbox/komoju/instructions/pay_31c9', confirmationCode: '8274' },
  },
  history: [
    { at, status: 'pending', reason: 'seats held' },
    { at: '2025-06-01T10:06:40.000Z', status: 'awaiting_payment', reason: 'konbini slip issued at lawson' },
  ],
};

export const customerPending = {
  orderId: 'order-1',
  status: 'pending',
  statusCode: 0,
  amount: 6000,
  currency: 'JPY',
  items,
  payment: { provider: 'komoju', method: 'credit_card', reference: 'ses_4f2a9c', status: 'open' },
  history: [{ at, status: 'pending', reason: 'seats held' }],
  nextAction: { type: 'redirect', url: redirectUrl },
};

export const cancelAccepted = { orderId: 'order-1', workflowId: 'checkout-order-1', status: 'pending', cancelling: true };
export const operation = { id: 'b1f0c6e2-3a4d-4f7e-9c1a-2d5e8f0a7b3c', at: '2026-11-24T09:12:00.000Z', action: 'resendEmail', operator: 'aki.ops', reason: 'customer lost the mail', outcome: 'mail order_confirmation sent again' };

export const paymentMethods = {
  provider: 'resurs',
  methods: [
    { id: 'INVOICE', description: 'Invoice', type: 'INVOICE', minLimit: 10, maxLimit: 50000 },
    { id: 'PARTPAYMENT', description: 'Part payment', type: 'REVOLVING_CREDIT', minLimit: 100, maxLimit: 100000 },
    { id: 'CARD', description: 'Card', type: 'CARD', minLimit: 1, maxLimit: 100000 },
  ],
};

export const inboxEvents = {
  webhooks: [
    {
      _id: 'komoju:evt_example_captured',
      provider: 'komoju',
      source: 'webhook',
      type: 'payment.captured',
      orderId: 'order-1',
      paymentId: 'pay_5b7e21',
      signal: 'captured',
      receivedAt: '2025-06-01T10:04:11.000Z',
      state: 'signalled',
      dueAt: '2025-06-01T10:04:11.000Z',
      attempts: 1,
    },
  ],
};

// ── Provider deliveries, signed with the sandbox secrets ───────────────────────────────────
export const komojuEvents: Record<string, Example> = {
  captured: {
    summary: 'payment.captured',
    value: {
      id: 'evt_example_captured',
      type: 'payment.captured',
      resource: 'event',
      data: { id: 'pay_5b7e21', resource: 'payment', status: 'captured', amount: 6000, currency: 'JPY', external_order_num: 'order-1', session: 'ses_4f2a9c' },
      created_at: '2025-06-01T10:04:10.000Z',
    },
  },
  ping: { summary: 'ping (recorded, needs nothing)', value: { id: 'evt_example_ping', type: 'ping', resource: 'event', data: {}, created_at: at } },
};
/** The sandbox signature of each example exactly as serialised by JSON.stringify. */
for (const example of Object.values(komojuEvents)) {
  const signature = signKomoju(JSON.stringify(example.value), SANDBOX_SECRETS.komojuWebhookSecret);
  example.description = `Sent as \`JSON.stringify\` of this value; with the sandbox's webhook secret its header is \`X-Komoju-Signature: ${signature}\`.`;
}

export const resursCallback = {
  type: 'BOOKED',
  paymentId: RESURS_ORDER,
  digest: callbackDigest([RESURS_ORDER], SANDBOX_SECRETS.resursCallbackSalt),
};

/** A landing link's signed container, as the sandbox deployment signs it for the example order. */
export const resursApiData = encodeApiData(
  { checkoutType: 'simplified', paymentMethod: 'INVOICE', orderId: RESURS_ORDER, preferredId: RESURS_ORDER, isReturningCustomer: false, urlType: 'back' },
  apiDataKey(SANDBOX_SECRETS.resursPassword),
);
