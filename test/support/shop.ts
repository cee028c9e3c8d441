/** What a shop, a customer and KOMOJU do to the service over HTTP, for the API and e2e suites. */
import { signKomoju } from '../../src/providers/komoju/signature';
import { http, type TestService } from './service';

export const cardBody = (orderId: string, eventId: string, ticketTypeId: string, method: 'credit_card' | 'konbini' = 'credit_card', quantity = 1) => ({
  orderId,
  eventId,
  items: [{ ticketTypeId, quantity }],
  customer: { email: `${orderId}@example.com`, name: 'Yui', locale: 'en' },
  payment: { provider: 'komoju', method },
});

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** The customer pays on the sandbox's hosted page with the test card (the browser stays there). */
export async function payByCard(redirectUrl: string): Promise<Response> {
  return fetch(`${redirectUrl}/pay`, form({ number: '4111111111111111', name: 'YUI', expiry: '12/30', cvc: '123' }));
}

/** The customer picks a store and gets a konbini slip; answers where the page sends them back. */
export async function takeKonbiniSlip(redirectUrl: string, store = 'lawson'): Promise<string> {
  const issued = await fetch(`${redirectUrl}/konbini`, form({ store }));
  return issued.headers.get('location')!;
}

/** KOMOJU's own record of a session (its payment id, once paid). */
export async function komojuSession(service: TestService, sessionId: string) {
  const auth = { authorization: `Basic ${Buffer.from(`${service.config.komoju.secretKey}:`).toString('base64')}` };
  return (await http('GET', `${service.url}/sandbox/komoju/api/v1/sessions/${sessionId}`, undefined, auth)).json;
}

/** A webhook signed with the service's KOMOJU secret, as KOMOJU (or someone holding the secret) sends it. */
export function deliverKomojuEvent(service: TestService, id: string, type: string, data: Record<string, unknown>) {
  const raw = JSON.stringify({ id, type, resource: 'event', created_at: new Date().toISOString(), reason: null, data });
  return http('POST', `${service.url}/webhooks/komoju`, raw, {
    'x-komoju-signature': signKomoju(raw, service.config.komoju.webhookSecret),
    'x-komoju-event': type,
    'x-komoju-id': id,
    'user-agent': 'Komoju-Webhook',
  });
}

/** A Resurs Bank checkout for one of the sandbox's test persons (by government id). */
export const resursBody = (orderId: string, eventId: string, ticketTypeId: string, governmentId: string, flow: 'simplified' | 'hosted' = 'simplified') => ({
  orderId,
  eventId,
  items: [{ ticketTypeId, quantity: 1 }],
  customer: {
    email: `${orderId}@example.com`,
    name: 'Astrid Lindqvist',
    locale: 'en',
    governmentId,
    phone: '0701234567',
    address: { addressRow1: 'Storgatan 1', postalCode: '25220', postalArea: 'Helsingborg', country: 'SE' },
  },
  payment: { provider: 'resurs', method: 'INVOICE', flow },
});

/** The customer answers Resurs' signing page; answers where the page sends the browser. */
export async function answerResursSigning(signingUrl: string, answer: 'sign' | 'fail' | 'back'): Promise<string> {
  const url = new URL(signingUrl);
  const res = await fetch(`${url.origin}${url.pathname}/${answer}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: url.searchParams.get('token') ?? '' }).toString(),
  });
  return res.headers.get('location')!;
}

/** The Resurs sandbox's own record of a payment (state, and getPayment's view once booked). */
export async function resursPayment(service: TestService, paymentId: string) {
  return (await http('GET', `${service.url}/sandbox/resurs/payments/${encodeURIComponent(paymentId)}?format=json`)).json;
}

/** A Resurs Checkout (iframe) purchase: the POST /checkouts body the shop's page sends on booking-order. */
export const rcoBody = (orderId: string, eventId: string, ticketTypeId: string, quantity = 1) => ({
  orderId,
  eventId,
  items: [{ ticketTypeId, quantity }],
  customer: { email: `${orderId}@example.com`, name: 'Astrid Lindqvist', locale: 'en' },
  payment: { provider: 'resurs', method: 'INVOICE', flow: 'rco' },
});

/** What the sandbox's RCO iframe does when the customer presses "Complete purchase" (after the shop's orderReady). */
export async function purchaseInResursCheckout(iframeUrl: string, governmentId: string, test: 'person' | 'deny' | 'fail' = 'person') {
  const res = await fetch(`${iframeUrl}/purchase`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ governmentId, paymentMethodId: 'INVOICE', test }),
  });
  return (await res.json()) as { result: 'booked' | 'denied' | 'failed'; redirect?: string; message?: string };
}
