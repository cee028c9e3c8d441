/** What many customers do at once in the fault scenarios: open checkouts, pay, take and settle konbini slips. */
import { http, type TestService } from './service';
import { cardBody, payByCard } from './shop';

export interface Opened {
  orderId: string;
  status: number;
  json: any;
}

/** `POST /checkouts` for a KOMOJU card or konbini buyer. */
export async function openCheckout(service: TestService, orderId: string, eventId: string, ticketTypeId: string, method: 'credit_card' | 'konbini', quantity = 1): Promise<Opened> {
  const res = await http('POST', `${service.url}/checkouts`, cardBody(orderId, eventId, ticketTypeId, method, quantity));
  return { orderId, status: res.status, json: res.json };
}

/** The card buyer pays on the hosted page (the sandbox sends the captured webhook). */
export async function payCard(opened: Opened): Promise<void> {
  const res = await payByCard(opened.json.redirectUrl);
  if (res.status !== 303) throw new Error(`card payment for ${opened.orderId} answered ${res.status}`);
}

/** The konbini buyer picks a store and gets a slip; answers KOMOJU's payment id. */
export async function takeSlip(service: TestService, opened: Opened, deadlineSeconds?: number): Promise<string> {
  const fields: Record<string, string> = { store: 'lawson', ...(deadlineSeconds ? { deadline_seconds: String(deadlineSeconds) } : {}) };
  const issued = await fetch(`${opened.json.redirectUrl}/konbini`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  if (issued.status !== 303) throw new Error(`konbini slip for ${opened.orderId} answered ${issued.status}`);
  const sessionId = String(opened.json.redirectUrl).split('/').pop();
  const auth = { authorization: `Basic ${Buffer.from(`${service.config.komoju.secretKey}:`).toString('base64')}` };
  const session = await http('GET', `${service.url}/sandbox/komoju/api/v1/sessions/${sessionId}`, undefined, auth);
  return session.json.payment.id as string;
}

/** The store's side of a slip: paid in cash, or cancelled (each sends KOMOJU's signed webhook). */
export async function atStore(service: TestService, paymentId: string, action: 'pay-at-store' | 'cancel'): Promise<void> {
  const res = await http('POST', `${service.url}/sandbox/komoju/payments/${paymentId}/${action}`, {});
  if (res.status !== 200) throw new Error(`${action} of ${paymentId} answered ${res.status}`);
}

/** The customer cancels from the order page (with the order's client secret). */
export async function customerCancel(service: TestService, opened: Opened): Promise<number> {
  const res = await http('POST', `${service.url}/checkouts/${opened.orderId}/cancel`, undefined, { 'x-client-secret': opened.json.clientSecret });
  return res.status;
}

export const orderOf = async (service: TestService, orderId: string) => (await http('GET', `${service.url}/checkouts/${orderId}`)).json;

/** Runs `work` over `items` with at most `width` in flight (a crowd, not one request at a time). */
export async function inParallel<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}
