/** What a customer does on the storefront's pages (test/browser/), and what they end up seeing. */
import type { Page } from './browser';
import { http, type TestService } from './service';

export async function createEvent(service: TestService, id: string, title: string, ticketTypes: Array<{ id: string; name: string; price: number; capacity: number }>) {
  const created = await http('POST', `${service.url}/events`, { id, title, currency: 'JPY', ticketTypes });
  expect(created.status).toBe(201);
}

export type Choice = 'komoju:credit_card' | 'komoju:konbini' | 'resurs:simplified' | 'resurs:hosted' | 'resurs:rco';

export interface Purchase {
  quantities: Record<string, number>;
  name?: string;
  email?: string;
  locale?: 'ja' | 'en';
  choice?: Choice;
  resurs?: { method?: string; governmentId?: string; phone?: string; addressRow1?: string; postalCode?: string; postalArea?: string; country?: string };
}

/** Opens the shop on the event and fills in the checkout form (without submitting it). */
export async function fillCheckout(page: Page, service: TestService, eventId: string, p: Purchase, lang: 'ja' | 'en' = 'en'): Promise<void> {
  await page.goto(`${service.url}/?event=${eventId}&lang=${lang}`);
  for (const [type, quantity] of Object.entries(p.quantities)) await page.fill(`#f-qty-${type}`, String(quantity));
  await page.fill('#f-customer-name', p.name ?? 'Aki Tanaka');
  await page.fill('#f-customer-email', p.email ?? 'aki@example.com');
  await page.selectOption('#f-customer-locale', p.locale ?? lang);
  await page.check(`#pay-${(p.choice ?? 'komoju:credit_card').replace(':', '-')}`);
  if (p.resurs) {
    const r = p.resurs;
    // The methods come from GET /resurs/payment-methods once a Resurs option is chosen.
    await page.waitForSelector(`#f-payment-method option[value="${r.method ?? 'INVOICE'}"]`, { state: 'attached' });
    await page.selectOption('#f-payment-method', r.method ?? 'INVOICE');
    if (r.governmentId !== undefined) await page.fill('#f-customer-governmentId', r.governmentId);
    if (r.phone !== undefined) await page.fill('#f-customer-phone', r.phone);
    if (r.addressRow1 !== undefined) await page.fill('#f-customer-address-addressRow1', r.addressRow1);
    if (r.postalCode !== undefined) await page.fill('#f-customer-address-postalCode', r.postalCode);
    if (r.postalArea !== undefined) await page.fill('#f-customer-address-postalArea', r.postalArea);
    if (r.country !== undefined) await page.selectOption('#f-customer-address-country', r.country);
  }
}

/** A Resurs customer as the sandbox's test persons need them (the outcome follows the id). */
export const swedishCustomer = (governmentId: string) => ({ governmentId, phone: '0701234567', addressRow1: 'Storgatan 1', postalCode: '25220', postalArea: 'Helsingborg', country: 'SE' });

/** The order page the browser landed on: its order id and client secret, from the URL. */
export function orderOf(page: Page): { orderId: string; clientSecret: string } {
  const url = new URL(page.url());
  const match = /^\/orders\/([^/]+)$/.exec(url.pathname);
  if (!match) throw new Error(`not an order page: ${page.url()}`);
  return { orderId: decodeURIComponent(match[1]), clientSecret: url.searchParams.get('clientSecret') ?? '' };
}

export const ORDER_PAGE = /\/orders\/[^/?]+\?clientSecret=/;

/** The order as the shop's server sees it (no API_TOKEN in these tests), to compare with the page. */
export async function orderFromApi(service: TestService, orderId: string) {
  const res = await http('GET', `${service.url}/checkouts/${encodeURIComponent(orderId)}`);
  expect(res.status).toBe(200);
  return res.json;
}

/** Waits until the page shows the order in `status` (the page follows the order by itself). */
export async function statusShown(page: Page, status: string, timeout = 30_000): Promise<void> {
  await page.waitForSelector(`#status[data-status="${status}"]`, { timeout });
}
