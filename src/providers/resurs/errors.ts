/**
 * Resurs Bank's ECommerceError (docs/development/errors--problem-solving-and-corner-cases/
 * resurs-error-codes.md): every V4 fault carries one, with an errorTypeId, its name, whether
 * other input would have avoided it (fixableByYou) and a message for the customer that the shop
 * must show (userErrorMessage). The faultstring is technical and only for the log.
 */
import { ProviderError } from '../types';

/** errorTypeId → errorTypeDescription, as Resurs lists them. */
export const RESURS_ERROR_TYPES: Readonly<Record<number, string>> = {
  1: 'ILLEGAL_ARGUMENT',
  3: 'INTERNAL_ERROR',
  4: 'NOT_ALLOWED',
  8: 'REFERENCED_DATA_DONT_EXISTS',
  10: 'CREDITAPPLICATION_FAILED',
  11: 'NOT_IMPLEMENTED',
  14: 'INVALID_CREDITAPPLICATION_SUBMISSION',
  15: 'SIGNING_REQUIRED',
  17: 'AUTHORIZATION_FAILED',
  18: 'APPLICATION_VALIDATION_ERROR',
  19: 'OBJECT_WITH_ID_ALREADY_EXIST',
  20: 'NOT_ALLOWED_IN_PAYMENT_STATE',
  21: 'CUSTOMER_CONFIGURATION_EXCEPTION',
  22: 'SERVICE_CONFIGURATION_EXCEPTION',
  23: 'INVALID_CREDITING',
  24: 'LIMIT_PER_TIME_EXCEEDED',
  25: 'NOT_ALLOWED_IN_CURRENT_STATE',
  26: 'INVALID_FINALIZATION',
  27: 'FORM_PARSING',
  28: 'NOT_ALLOWED_INVOICE_ID',
  29: 'ALREADY_EXISTS_INVOICE_ID',
  30: 'INVALID_IDENTIFICATION',
  31: 'TO_MANY_TOKENS',
  32: 'CUSTOMER_ALREADY_HAVE_VALID_CARD',
  33: 'CUSTOMER_HAS_NO_VALID_CARD',
  34: 'CUSTOMER_HAS_MORE_THAN_ONE_VALID_CARD',
  35: 'INVALID_AUTHENTICATION',
  36: 'ANNUL_FAILED',
  37: 'CUSTOMER_HAS_NO_VALID_ACCOUNT',
  99: 'LEGACY_EXCEPTION',
  502: 'WEAK_PASSWORD',
  503: 'NOT_AUTHORIZED',
};

/** The ProviderError code for two errors callers branch on; other types: the lowercase name. */
const FRIENDLY_CODES: Readonly<Record<number, string>> = {
  8: 'not_found',
  19: 'already_exists',
};

export interface ECommerceError {
  errorTypeId: number;
  errorTypeDescription: string;
  fixableByYou: boolean;
  userErrorMessage: string;
}

/** `ProviderError.code` for an ECommerceError, e.g. 8 → `not_found`, 20 → `not_allowed_in_payment_state`. */
export function ecommerceErrorCode(error: Pick<ECommerceError, 'errorTypeId' | 'errorTypeDescription'>): string {
  const friendly = FRIENDLY_CODES[error.errorTypeId];
  if (friendly) return friendly;
  const name = RESURS_ERROR_TYPES[error.errorTypeId] ?? error.errorTypeDescription;
  const code = String(name || `error_${error.errorTypeId}`).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  return code || `error_${error.errorTypeId}`;
}

/**
 * Resurs answered with an ECommerceError: never retryable (Resurs decided; asking again gets the
 * same answer). `userErrorMessage` is what the customer must be shown.
 */
export class ResursError extends ProviderError {
  readonly errorTypeId: number;
  readonly errorTypeDescription: string;
  readonly fixableByYou: boolean;
  readonly userErrorMessage: string;

  constructor(message: string, status: number, error: ECommerceError) {
    super(message, status, ecommerceErrorCode(error), false);
    this.name = 'ResursError';
    this.errorTypeId = error.errorTypeId;
    this.errorTypeDescription = error.errorTypeDescription;
    this.fixableByYou = error.fixableByYou;
    this.userErrorMessage = error.userErrorMessage;
  }
}

/** Reads an ECommerceError out of a parsed fault detail (node-soap leaves every leaf a string). */
export function parseECommerceError(detail: unknown): ECommerceError | null {
  if (!detail || typeof detail !== 'object') return null;
  const raw = (detail as Record<string, unknown>).ECommerceError;
  if (!raw || typeof raw !== 'object') return null;
  const e = raw as Record<string, unknown>;
  const id = Number(e.errorTypeId);
  if (!Number.isInteger(id)) return null;
  return {
    errorTypeId: id,
    errorTypeDescription: typeof e.errorTypeDescription === 'string' ? e.errorTypeDescription : (RESURS_ERROR_TYPES[id] ?? ''),
    fixableByYou: e.fixableByYou === true || e.fixableByYou === 'true',
    userErrorMessage: typeof e.userErrorMessage === 'string' ? e.userErrorMessage : '',
  };
}

// ---------------------------------------------------------------- failures of a call

export interface FailureContext {
  timeoutMs: number;
  /** Removes the credentials from a message. */
  redact(message: string): string;
}

const obj = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * A failed npm `soap` call as a ProviderError: an ECommerceError fault → ResursError (never
 * retryable); another fault → retryable when soap:Server (Resurs, or something before it, broke);
 * an HTTP answer that is not SOAP → by status (401/403 `unauthorized`; a 2xx: `invalid_response`,
 * retryable since the call may have happened); no answer → transportFailure. Messages are built
 * from chosen fields only: the library's error carries the request, Authorization header included.
 */
export function soapFailure(what: string, err: unknown, ctx: FailureContext): ProviderError {
  const e = obj(err);
  const response = obj(e.response);
  const status = typeof response.status === 'number' ? response.status : 0;
  const fault = obj(obj(obj(obj(e.root).Envelope).Body).Fault);
  if (Object.keys(fault).length > 0) {
    const ecommerce = parseECommerceError(fault.detail);
    if (ecommerce) {
      const fixable = ecommerce.fixableByYou ? 'fixable by you' : 'not fixable by you';
      return new ResursError(
        `${what}: ${ctx.redact(`${ecommerce.errorTypeDescription} (${ecommerce.errorTypeId}, ${fixable}): ${ecommerce.userErrorMessage}`)}`,
        status || 500,
        ecommerce,
      );
    }
    const faultcode = str(fault.faultcode);
    const serverSide = /server/i.test(faultcode) || status >= 500;
    return new ProviderError(
      `${what}: ${ctx.redact(`SOAP fault ${faultcode}: ${str(fault.faultstring)}`)}`,
      status || 500,
      serverSide ? 'soap_server_fault' : 'soap_client_fault',
      serverSide,
    );
  }
  if (e.response) {
    if (status === 401 || status === 403) {
      return new ProviderError(`${what}: ${status}: the Resurs credentials were refused`, status, 'unauthorized', false);
    }
    if (status < 300) return new ProviderError(`${what}: HTTP ${status} without a SOAP answer`, status, 'invalid_response', true);
    const retryable = status >= 500 || status === 408 || status === 429;
    return new ProviderError(`${what}: HTTP ${status} without a SOAP answer`, status, retryable ? `http_${status}` : 'invalid_response', retryable);
  }
  return transportFailure(what, err, ctx);
}

/** Network errors and timeouts: the request may or may not have reached Resurs; retryable. */
export function transportFailure(what: string, err: unknown, ctx: FailureContext): ProviderError {
  const e = obj(err);
  const message = str(e.message) || 'network error';
  const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || /timeout/i.test(message);
  if (timedOut) return new ProviderError(`${what}: timed out after ${ctx.timeoutMs} ms`, 0, 'timeout', true);
  const code = str(e.code) || str(obj(e.cause).code);
  return new ProviderError(`${what}: ${ctx.redact(`${message}${code && !message.includes(code) ? ` (${code})` : ''}`)}`, 0, 'network_error', true);
}
