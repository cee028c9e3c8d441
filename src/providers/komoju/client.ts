import { ProviderError } from '../types';
import type {
  KomojuErrorBody,
  KomojuPayment,
  KomojuRefundCreate,
  KomojuSession,
  KomojuSessionCreate,
} from './types';

export interface KomojuClientOptions {
  /** e.g. `https://komoju.com` or `<publicUrl>/sandbox/komoju`; `/api/v1/...` is appended. */
  apiUrl: string;
  secretKey: string;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export const KOMOJU_IDEMPOTENCY_HEADER = 'X-KOMOJU-IDEMPOTENCY';
const MAX_IDEMPOTENCY_KEY = 100;

/** Whether asking again can help, by HTTP status. 409 = an idempotent retry still in flight. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 409 || status === 429 || status === 408;
}

/**
 * Thin typed client for KOMOJU's REST API. Knows nothing about the sandbox: the same code talks
 * to komoju.com. Every failure is a ProviderError; the secret key never appears in a message.
 */
export class KomojuClient {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly secretKey: string;

  constructor(options: KomojuClientOptions) {
    this.baseUrl = options.apiUrl.replace(/\/+$/, '');
    this.secretKey = options.secretKey;
    this.authorization = `Basic ${Buffer.from(`${options.secretKey}:`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  createSession(body: KomojuSessionCreate, idempotencyKey: string): Promise<KomojuSession> {
    return this.request<KomojuSession>('POST', '/api/v1/sessions', body, idempotencyKey);
  }

  getSession(id: string): Promise<KomojuSession> {
    return this.request<KomojuSession>('GET', `/api/v1/sessions/${encodeURIComponent(id)}`);
  }

  /** Merchant-side cancel: the customer can no longer pay this session (only from `pending`). */
  cancelSession(id: string, idempotencyKey: string): Promise<KomojuSession> {
    return this.request<KomojuSession>('POST', `/api/v1/sessions/${encodeURIComponent(id)}/cancel`, {}, idempotencyKey);
  }

  getPayment(id: string): Promise<KomojuPayment> {
    return this.request<KomojuPayment>('GET', `/api/v1/payments/${encodeURIComponent(id)}`);
  }

  /** No amount = full refund. Cards only; konbini refunds are an operator task. */
  refundPayment(id: string, body: KomojuRefundCreate, idempotencyKey: string): Promise<KomojuPayment> {
    return this.request<KomojuPayment>('POST', `/api/v1/payments/${encodeURIComponent(id)}/refund`, body, idempotencyKey);
  }

  /** Takes the money of an authorized card payment (sessions with manual capture). */
  capturePayment(id: string, idempotencyKey: string): Promise<KomojuPayment> {
    return this.request<KomojuPayment>('POST', `/api/v1/payments/${encodeURIComponent(id)}/capture`, {}, idempotencyKey);
  }

  /** Only from `pending` / `authorized`. */
  cancelPayment(id: string, idempotencyKey: string): Promise<KomojuPayment> {
    return this.request<KomojuPayment>('POST', `/api/v1/payments/${encodeURIComponent(id)}/cancel`, {}, idempotencyKey);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const what = `KOMOJU ${method} ${path}`;
    const headers: Record<string, string> = { Authorization: this.authorization, Accept: 'application/json' };
    if (method === 'POST') {
      checkIdempotencyKey(what, idempotencyKey);
      headers['Content-Type'] = 'application/json';
      headers[KOMOJU_IDEMPOTENCY_HEADER] = idempotencyKey as string;
    }

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      text = await response.text();
    } catch (err) {
      // Duck-typed: the DOMException may come from another realm (undici, jest's vm).
      const name = (err as { name?: unknown } | null)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const detail = timedOut ? `timed out after ${this.timeoutMs} ms` : describeNetworkError(err);
      throw new ProviderError(this.redact(`${what}: ${detail}`), 0, timedOut ? 'timeout' : 'network_error', true);
    }

    const parsed = parseJson(text);
    if (!response.ok) {
      const error = (parsed as Partial<KomojuErrorBody> | undefined)?.error;
      const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
      const message = typeof error?.message === 'string' ? error.message : response.statusText || 'error';
      const param = typeof error?.param === 'string' ? ` (param ${error.param})` : '';
      throw new ProviderError(
        this.redact(`${what}: ${response.status} ${code}: ${message}${param}`),
        response.status,
        code,
        isRetryableStatus(response.status),
      );
    }
    if (parsed === undefined || typeof parsed !== 'object' || parsed === null) {
      // A proxy's HTML page or a truncated body: the call may or may not have happened.
      throw new ProviderError(`${what}: ${response.status} with a body that is not JSON`, response.status, 'invalid_response', true);
    }
    return parsed as T;
  }

  private redact(message: string): string {
    return this.secretKey ? message.split(this.secretKey).join('[redacted]') : message;
  }
}

function checkIdempotencyKey(what: string, key: string | undefined): void {
  if (!key || key.length > MAX_IDEMPOTENCY_KEY || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ProviderError(
      `${what}: idempotency key must be 1-${MAX_IDEMPOTENCY_KEY} printable ASCII characters`,
      0,
      'invalid_idempotency_key',
      false,
    );
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeNetworkError(err: unknown): string {
  const e = err as { message?: unknown; cause?: { code?: unknown } } | null;
  const message = typeof e?.message === 'string' ? e.message : 'network error';
  return typeof e?.cause?.code === 'string' ? `${message} (${e.cause.code})` : message;
}
