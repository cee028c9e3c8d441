/**
 * Resurs Checkout (RCO): the checkout that lives in Resurs' iframe on the shop's own page. REST
 * with HTTP Basic auth (providers.md): `POST /payments/{orderReference}` opens a session (a
 * second POST replaces it), `PUT /payments/{orderReference}` updates its cart. The purchase
 * itself becomes an ordinary Resurs payment under the order reference, read with getPayment and
 * reported by callbacks like the other flows. Knows nothing about the sandbox.
 */
import { ProviderError } from '../types';
import { apiHost } from './client';
import { transportFailure } from './errors';
import type { ResursSpecLine } from './types';

/** One cart row as RCO takes it: a simplified-flow spec line without its computed totals (VAT included in our prices; stated as 0 %). */
export type CheckoutOrderLine = Pick<ResursSpecLine, 'artNo' | 'description' | 'quantity' | 'unitMeasure' | 'unitAmountWithoutVat' | 'vatPct'> & { type: 'ORDER_LINE' };

export interface CheckoutSessionRequest {
  orderLines: CheckoutOrderLine[];
  /** Where Resurs sends the customer's browser after a completed purchase, and back. */
  successUrl: string;
  backUrl: string;
  /** The origin of the shop's page: the iframe posts its messages only there. */
  shopUrl: string;
}

export interface CheckoutSession {
  paymentSessionId: string;
  /** The iframe's address, taken from the `html`/`iframe` snippet Resurs answers with. */
  iframeUrl: string;
  /** Origin the iframe's messages come from (Resurs' `baseUrl`, else the iframe's origin). */
  baseUrl: string;
  /** Resurs' own script snippet, when it sends one (the storefront may ignore it). */
  script?: string;
}

const PRODUCTION_API_HOST = 'ecommerce.resurs.com';
const TEST_API_HOST = 'test.resurs.com';

/**
 * RCO's REST base for the simplified flow's `apiUrl`: production and Resurs' test environment
 * have their own hosts (providers.md); anything else (the built-in sandbox) serves it at
 * `<apiUrl>/checkout`.
 */
export function checkoutApiUrl(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  const host = apiHost(base);
  if (host === PRODUCTION_API_HOST) return 'https://checkout.resurs.com/checkout';
  if (host === TEST_API_HOST) return 'https://omnitest.resurs.com/checkout';
  return `${base}/checkout`;
}

/** RCO references: `[a-zA-Z0-9-]` only (providers.md). */
export const CHECKOUT_REFERENCE = /^[A-Za-z0-9-]{1,64}$/;

export class ResursCheckoutClient {
  private readonly baseUrl: string;

  constructor(private readonly options: { apiUrl: string; username: string; password: string; timeoutMs?: number }) {
    this.baseUrl = checkoutApiUrl(options.apiUrl);
  }

  /** Opens (or replaces) the iframe session for this order reference. */
  async openSession(reference: string, request: CheckoutSessionRequest): Promise<CheckoutSession> {
    const body = await this.send('POST', reference, request);
    const snippet = text(body.html) ?? text(body.iframe) ?? '';
    const iframeUrl = /<iframe[^>]*\ssrc=["']([^"']+)["']/i.exec(snippet)?.[1]?.replace(/&amp;/g, '&');
    const paymentSessionId = text(body.paymentSessionId);
    if (!iframeUrl || !paymentSessionId) throw new ProviderError('Resurs Checkout: the answer has no iframe or paymentSessionId', 200, 'invalid_response', true);
    const baseUrl = text(body.baseUrl) ?? new URL(iframeUrl).origin;
    return { paymentSessionId, iframeUrl, baseUrl, ...(text(body.script) ? { script: text(body.script)! } : {}) };
  }

  /** Makes the session's cart what the order holds (before the iframe books it). */
  async updateCart(reference: string, orderLines: CheckoutOrderLine[]): Promise<void> {
    await this.send('PUT', reference, { orderLines });
  }

  private async send(method: 'POST' | 'PUT', reference: string, payload: object): Promise<Record<string, unknown>> {
    const what = `Resurs Checkout ${method} /payments/${reference}`;
    if (!CHECKOUT_REFERENCE.test(reference)) throw new ProviderError(`${what}: references may only hold letters, digits and '-'`, 0, 'invalid_request', false);
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let response: Response;
    let raw: string;
    try {
      response = await fetch(`${this.baseUrl}/payments/${encodeURIComponent(reference)}`, {
        method,
        headers: { Authorization: `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      raw = await response.text();
    } catch (err) {
      throw transportFailure(what, err, { timeoutMs, redact: (m) => m.split(this.options.password).join('[redacted]') });
    }
    const status = response.status;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      if (response.ok && method === 'POST') throw new ProviderError(`${what}: ${status} with a body that is not JSON`, status, 'invalid_response', true);
    }
    if (response.ok) return parsed;
    const retryable = status >= 500 || status === 408 || status === 429;
    const code = status === 401 || status === 403 ? 'unauthorized' : status === 404 ? 'not_found' : retryable ? `http_${status}` : 'checkout_refused';
    const reason = text(parsed.message) ?? text(parsed.error) ?? '';
    throw new ProviderError(`${what}: ${status}${reason ? ` ${reason.slice(0, 200)}` : ''}`, status, code, retryable);
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
