/**
 * The runtime lists the API description needs for words the code only declares as TypeScript
 * unions. Each list is checked against its union by the compiler, so a new status or state
 * cannot be added to the code without the description learning of it.
 */
import type { InboxState } from '../../db/schema';
import { STATUS_CODE, type OrderStatus } from '../../domain/checkout';
import type { PaymentStatus } from '../../providers/types';
import type { PaymentEvent, PaymentEventKind } from '../../temporal/messages';

/** Accepts the list only if it names every member of `T` (and nothing else). */
const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> })): L =>
    list;

export const ORDER_STATUSES = Object.keys(STATUS_CODE) as OrderStatus[];
export const PAYMENT_STATUSES = everyOf<PaymentStatus>()(['open', 'pending', 'authorized', 'captured', 'cancelled', 'expired', 'denied', 'failed', 'refunded']);
export const INBOX_STATES = everyOf<InboxState>()(['recorded', 'delivering', 'signalled', 'unroutable', 'ignored', 'mismatched', 'refused']);
export const EVENT_SOURCES = everyOf<PaymentEvent['source']>()(['webhook', 'return', 'api', 'admin', 'reconcile']);
export const SIGNALS = everyOf<PaymentEventKind>()(['captured', 'authorized', 'expired', 'cancelled', 'signed', 'refunded']);

/**
 * Every `error.code` the API answers with, and what it means. `test/api/openapi.test.ts` reads
 * the codes out of the source and fails on one missing here.
 */
/** Marks an operation that exists only when `API_TOKEN` is unset (the storefront's shop page). */
export const ONLY_WITHOUT_API_TOKEN = 'x-only-without-api-token';

export const ERROR_CODES = {
  checkout_exists: 'a Resurs Checkout session was asked for an order id whose checkout has already started',
  not_resurs_checkout: 'a Resurs Checkout rejection was reported for an order paid another way',
  invalid_request: 'the body or query does not match the schema; `message` names the field, `details` lists every issue',
  invalid_json: 'the body is not valid JSON',
  bad_request: 'the request could not be read',
  unauthorized: 'the credential is missing or wrong',
  origin_not_allowed: 'a page of this `Origin` may not call the codec endpoint (`PAYLOAD_CODEC_ORIGINS`)',
  undecryptable_payload: 'a payload names a key this service does not hold, or was altered',
  not_found: 'no such resource (or route); a wrong client secret looks the same as an unknown order',
  already_exists: 'an event with this id exists',
  sold_out: 'not enough seats; no order and no hold is left behind',
  idempotency_conflict: 'the `orderId` was used with a different request',
  checkout_cancelled: 'a cancel arrived while the provider page was still opening',
  checkout_closed: 'the `orderId` belongs to a checkout that ended before its page opened; use a new `orderId`',
  not_cancellable: 'the checkout is paid or closed',
  action_rejected: "the checkout's validator refused the operator's action in the order's present state; `message` says why; nothing changed",
  action_failed: 'the action was accepted but could not be done (the provider refused or did not answer in time); `message` says why; the order is as before',
  payload_too_large: 'the body is over 64 KiB',
  provider_not_configured: 'that provider is not offered by this deployment',
  flow_not_offered: "that provider's flow is not offered (Resurs `rco`, for now)",
  rate_limited: 'over `CHECKOUT_RATE_LIMIT` for this client',
  invalid_signature: 'the `X-Komoju-Signature` header does not match the raw body; nothing recorded',
  invalid_digest: 'the Resurs callback digest does not match; nothing recorded',
  invalid_api_data: 'the `apiData` of a Resurs landing link is missing or was altered; nothing changed',
  provider_error: 'the provider refused to open a checkout; the seats are released',
  provider_unavailable: 'the provider did not answer in time; ask again (the same `orderId` for a checkout)',
  unavailable: 'the service could not handle the request now (database or Temporal unreachable); try again',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;
