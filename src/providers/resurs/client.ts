import * as soap from 'soap';
import { ProviderError } from '../types';
import { CALLBACK_DIGEST_PARAMETERS } from './digest';
import { type FailureContext, soapFailure, transportFailure } from './errors';
import type {
  BookPaymentArgs,
  BookPaymentResult,
  HostedFlowPayload,
  HostedFlowStarted,
  ResursCallbackType,
  ResursPayment,
  ResursPaymentMethod,
  ResursSpecLine,
} from './types';
import { obj, text, toBookPaymentResult, toPaymentMethods, toResursPayment, WireError, wirePaymentSpec, wireBookPayment } from './wire';
import { RESURS_SERVICES, type ResursServiceName, wsdlPath } from './wsdl';

export type {
  BookPaymentArgs,
  BookPaymentResult,
  BookPaymentStatus,
  HostedFlowOrderLine,
  HostedFlowPayload,
  HostedFlowStarted,
  ResursAddress,
  ResursCallbackType,
  ResursCustomer,
  ResursPayment,
  ResursPaymentMethod,
  ResursSpecLine,
} from './types';
export { ResursError } from './errors';

export interface ResursClientOptions {
  /**
   * The base that `/ws/V4/SimplifiedShopFlowService` etc. are appended to, e.g.
   * `https://test.resurs.com/ecommerce-test` or `<publicUrl>/sandbox/resurs`.
   */
  apiUrl: string;
  username: string;
  password: string;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Addition: the hosted flow's back-channel, when it is not where `hostedFlowUrl(apiUrl)` says. */
  hostedFlowUrl?: string;
}

/** Optional extras for finalize/credit: the lines (Resurs wants them for INVOICE) and VAT total. */
export interface PartPaymentSpec {
  specLines?: ResursSpecLine[];
  totalVatAmount?: number;
}

const PRODUCTION_API_HOST = 'ecommerce.resurs.com';
const PRODUCTION_HOSTED_FLOW = 'https://ecommerce-hosted.resurs.com/back-channel';

/** The host of Resurs' `apiUrl`, lower case; '' when it is not a URL (the request itself then fails clearly). */
export function apiHost(apiUrl: string): string {
  try {
    return new URL(apiUrl).host.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * The hosted flow's back-channel for an `apiUrl`, the one place that knows it: production
 * (`https://ecommerce.resurs.com`) has its own host, `https://ecommerce-hosted.resurs.com/back-channel`;
 * everywhere else it is `<apiUrl>/hostedflow/back-channel` — Resurs' test environment
 * (`https://test.resurs.com/ecommerce-test/hostedflow/back-channel`) and the built-in sandbox.
 * (Both Resurs URLs: EComPHP's rbapiloader.php.)
 */
export function hostedFlowUrl(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  return apiHost(base) === PRODUCTION_API_HOST ? PRODUCTION_HOSTED_FLOW : `${base}/hostedflow/back-channel`;
}

/**
 * Resurs Bank's simplified flow (SOAP V4, HTTP Basic auth) plus the hosted flow's JSON
 * back-channel, over our own WSDL (`./wsdl`). Knows nothing about the sandbox: the same code
 * talks to Resurs. Every failure is a ProviderError (an ECommerceError fault: a ResursError,
 * never retryable); the password never appears in a message.
 */
export class ResursClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly hostedUrl: string;
  private readonly secrets: string[];
  private readonly clients = new Map<ResursServiceName, Promise<soap.Client>>();

  constructor(private readonly options: ResursClientOptions) {
    this.baseUrl = options.apiUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.hostedUrl = options.hostedFlowUrl ?? hostedFlowUrl(this.baseUrl);
    const pair = `${options.username}:${options.password}`;
    this.secrets = options.password ? [pair, Buffer.from(pair).toString('base64'), options.password] : [];
  }

  async bookPayment(args: BookPaymentArgs): Promise<BookPaymentResult> {
    for (const url of [args.signing.successUrl, args.signing.failUrl]) checkRedirectUrl('bookPayment', url);
    return this.read('bookPayment', toBookPaymentResult, await this.call(RESURS_SERVICES.simplified, 'bookPayment', wireBookPayment(args)));
  }

  /** After the customer signed: books the payment; answers its new status. */
  async bookSignedPayment(paymentId: string): Promise<BookPaymentResult> {
    return this.read('bookSignedPayment', toBookPaymentResult, await this.call(RESURS_SERVICES.simplified, 'bookSignedPayment', { paymentId }));
  }

  /** An unknown payment is a ResursError with code `not_found` (REFERENCED_DATA_DONT_EXISTS, 8). */
  async getPayment(paymentId: string): Promise<ResursPayment> {
    return this.read('getPayment', toResursPayment, await this.call(RESURS_SERVICES.afterShop, 'getPayment', { paymentId }));
  }

  /** getPayment, but null for a payment Resurs does not know (e.g. before booking again under its preferredId). */
  async findPayment(paymentId: string): Promise<ResursPayment | null> {
    try {
      return await this.getPayment(paymentId);
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'not_found') return null;
      throw err;
    }
  }

  /** Debits (captures) `totalAmount` of a booked, not frozen payment. */
  async finalizePayment(paymentId: string, opts: { preferredTransactionId: string; totalAmount: number } & PartPaymentSpec): Promise<void> {
    await this.call(RESURS_SERVICES.afterShop, 'finalizePayment', {
      paymentId,
      preferredTransactionId: opts.preferredTransactionId,
      partPaymentSpec: wirePaymentSpec(opts),
    });
  }

  /**
   * Annuls what is left of a booked payment (before finalization; after it, credit). Resurs'
   * annulPayment has no preferredTransactionId: it is accepted for symmetry and not sent. No
   * partPaymentSpec is sent, which Resurs documents as "annul the whole remaining amount".
   */
  async annulPayment(paymentId: string, opts: { preferredTransactionId: string }): Promise<void> {
    void opts;
    await this.call(RESURS_SERVICES.afterShop, 'annulPayment', { paymentId });
  }

  /** Credits (refunds) `totalAmount` of a finalized payment. */
  async creditPayment(paymentId: string, opts: { preferredTransactionId: string; totalAmount: number } & PartPaymentSpec): Promise<void> {
    await this.call(RESURS_SERVICES.afterShop, 'creditPayment', {
      paymentId,
      preferredTransactionId: opts.preferredTransactionId,
      partPaymentSpec: wirePaymentSpec(opts),
    });
  }

  async getPaymentMethods(): Promise<ResursPaymentMethod[]> {
    return this.read('getPaymentMethods', toPaymentMethods, await this.call(RESURS_SERVICES.simplified, 'getPaymentMethods', {}));
  }

  /**
   * Registers where Resurs sends `type` callbacks: a URI template with `{paymentId}`, `{result}`
   * (AUTOMATIC_FRAUD_CONTROL), `{param1}`..`{param5}` (TEST) and `{digest}`; the digest is SHA1
   * over the parameters in CALLBACK_DIGEST_PARAMETERS[type], then the salt.
   */
  async registerEventCallback(type: ResursCallbackType, uriTemplate: string, digestSalt: string): Promise<void> {
    await this.call(RESURS_SERVICES.configuration, 'registerEventCallback', {
      eventType: type,
      uriTemplate,
      digestConfiguration: { digestAlgorithm: 'SHA1', digestParameters: [...CALLBACK_DIGEST_PARAMETERS[type]], digestSalt },
    });
  }

  /** Addition: the registered URI template, or null when none is registered. */
  async getRegisteredEventCallback(type: ResursCallbackType): Promise<string | null> {
    try {
      const body = await this.call(RESURS_SERVICES.configuration, 'getRegisteredEventCallback', { eventType: type });
      return text(obj(body).uriTemplate) || null;
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'not_found') return null;
      throw err;
    }
  }

  /** Addition: removes a registration. */
  async unregisterEventCallback(type: ResursCallbackType): Promise<void> {
    await this.call(RESURS_SERVICES.configuration, 'unregisterEventCallback', { eventType: type });
  }

  /** Hosted flow: JSON POST to the back-channel; success = a `location` to send the customer to. */
  async hostedFlow(payload: HostedFlowPayload): Promise<HostedFlowStarted> {
    const what = 'Resurs hosted flow back-channel';
    for (const url of [payload.successUrl, payload.failUrl, payload.backUrl]) if (url) checkRedirectUrl('hostedFlow', url);
    const body = {
      ...payload,
      customer: { ...payload.customer, address: { countryCode: payload.customer.address.country, ...payload.customer.address } },
    };
    let response: Response;
    let raw: string;
    try {
      response = await fetch(this.hostedUrl, {
        method: 'POST',
        headers: { Authorization: this.authorization(), 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      raw = await response.text();
    } catch (err) {
      throw transportFailure(what, err, this.failureContext());
    }
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = obj(JSON.parse(raw));
    } catch {
      parsed = undefined;
    }
    // Judge the body, not the HTTP code (Resurs' EComPHP: "Do not trust response codes!").
    const location = text(parsed?.location);
    if (location) {
      const started: HostedFlowStarted = { location };
      const sessionId = text(parsed?.paymentSessionId) ?? /\/customer-landing-page\/([^/?#]+)/.exec(location)?.[1];
      if (sessionId) started.paymentSessionId = decodeURIComponent(sessionId);
      return started;
    }
    const status = response.status;
    if (!parsed) {
      throw new ProviderError(`${what}: ${status} with a body that is not JSON`, status, status === 401 ? 'unauthorized' : 'invalid_response', status >= 500 || status === 0);
    }
    const reason = [text(parsed.error), text(parsed.message)].filter(Boolean).join(': ') || 'no location in the answer';
    const retryable = status >= 500 || status === 408 || status === 429;
    const code = status === 401 || status === 403 ? 'unauthorized' : retryable ? `http_${status}` : 'hosted_flow_refused';
    throw new ProviderError(`${what}: ${status} ${this.redact(reason)}`, status, code, retryable);
  }

  // ---------------------------------------------------------------- SOAP plumbing

  private endpoint(service: ResursServiceName): string {
    return `${this.baseUrl}/ws/V4/${service}`;
  }

  private soapClient(service: ResursServiceName): Promise<soap.Client> {
    let client = this.clients.get(service);
    if (!client) {
      client = soap.createClientAsync(wsdlPath(service), {}, this.endpoint(service)).then((c) => {
        c.setSecurity(new soap.BasicAuthSecurity(this.options.username, this.options.password));
        return c;
      });
      // A failed load is not cached: the next call tries again.
      client.catch(() => this.clients.delete(service));
      this.clients.set(service, client);
    }
    return client;
  }

  private async call(service: ResursServiceName, operation: string, args: object): Promise<unknown> {
    const what = `Resurs ${service}.${operation}`;
    let client: soap.Client;
    try {
      client = await this.soapClient(service);
    } catch (err) {
      const detail = (err as { message?: unknown } | null)?.message;
      throw new ProviderError(`${what}: cannot load our WSDL: ${this.redact(String(detail))}`, 0, 'wsdl_unavailable', false);
    }
    const method = (client as unknown as Record<string, (a: object, o: object) => Promise<[unknown, string]>>)[`${operation}Async`];
    try {
      const [result, rawResponse] = await method.call(client, args, { timeout: this.timeoutMs, maxRedirects: 0 });
      if (result !== undefined && result !== null) return result;
      // Resurs' example answers bookSignedPayment with a bookPaymentResponse: take whatever the Body holds.
      const body = obj(obj(client.wsdl.xmlToObject(rawResponse)).Body);
      const key = Object.keys(body).find((k) => k !== 'attributes');
      return key ? body[key] : undefined;
    } catch (err) {
      throw soapFailure(what, err, this.failureContext());
    }
  }

  private read<T>(operation: string, parse: (body: unknown) => T, body: unknown): T {
    try {
      return parse(body);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      // The call went through but the answer makes no sense: it may have happened, so retryable.
      throw new ProviderError(`Resurs ${operation}: unexpected answer: ${err.message}`, 200, 'invalid_response', true);
    }
  }

  private failureContext(): FailureContext {
    return { timeoutMs: this.timeoutMs, redact: (m) => this.redact(m) };
  }

  private authorization(): string {
    return `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
  }

  private redact(message: string): string {
    return this.secrets.reduce((m, secret) => m.split(secret).join('[redacted]'), message);
  }
}

/** Resurs: signing (and hosted-flow) URLs must not contain `|` (it breaks their redirects). */
function checkRedirectUrl(operation: string, url: string): void {
  let ok = !url.includes('|');
  try {
    ok &&= ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new ProviderError(`Resurs ${operation}: a return URL is not an http(s) URL without '|'`, 0, 'invalid_request', false);
}
