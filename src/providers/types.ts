/**
 * The seam between the checkout and a payment provider. The workflow knows a provider only
 * through these shapes (by way of the payment activities); each provider module maps its own
 * protocol onto them: KOMOJU's sessions and payments, Resurs Bank's bookings and callbacks.
 */
import type { Customer, NextAction, PendingPayment, PricedItem, ProviderName } from '../domain/checkout';
import type { PaymentEventKind } from '../temporal/messages';

/**
 * A payment as the provider reports it, normalised:
 * - `open`: nothing decided yet; the customer is still on the provider's page (or signing);
 * - `pending`: a payment exists but someone else must act first (konbini slip, fraud review);
 * - `authorized`: booked, and ours once we capture (finalize) it;
 * - `captured`: paid;
 * - `cancelled`, `expired`, `denied`, `failed`: no money will come from it;
 * - `refunded`: the money went back.
 */
export type PaymentStatus = 'open' | 'pending' | 'authorized' | 'captured' | 'cancelled' | 'expired' | 'denied' | 'failed' | 'refunded';

export interface ProviderPayment {
  /** Null while only the provider's page exists (no payment attempted yet). */
  paymentId: string | null;
  status: PaymentStatus;
  amount: number;
  currency: string;
  /**
   * The provider's own record of whom this payment belongs to (KOMOJU: `external_order_num` and
   * `session`; Resurs: the payment booked for the order). A payment completes only its own order.
   */
  owner: { orderId: string | null; reference: string | null };
  /** With `pending`: what for, until when, and what the customer needs. */
  pending?: PendingPayment;
  /** The provider's words for a refusal or denial, for the order's history. */
  reason?: string;
}

/** Which order and payment a provider call is about. */
export interface PaymentRef {
  orderId: string;
  /** The provider's handle for this checkout (KOMOJU session id, Resurs payment id). */
  reference: string | null;
  /** A specific payment to ask about; without it, whatever the checkout's page led to. */
  paymentId?: string | null;
  /** The order's currency, for providers whose API answers in one account currency without naming it. */
  currency?: string;
}

export interface StartRequest {
  orderId: string;
  amount: number;
  currency: string;
  method: string;
  flow?: string;
  customer: Customer;
  items: PricedItem[];
  /** `{PUBLIC_URL}/checkouts/{orderId}`: the provider module appends its own return paths. */
  checkoutUrl: string;
  expiresInSeconds: number;
}

export interface StartedPayment {
  reference: string;
  nextAction: NextAction;
  expiresAt: string;
  /** What operators should see of the provider's side, kept on the order as `payment.<provider>`. */
  record?: Record<string, string>;
  /** Set when the provider decided at once (a booking that came back finalized, frozen or denied). */
  decided?: ProviderPayment;
}

/** The one door through which the service talks to a payment provider. */
export interface PaymentProvider {
  readonly name: ProviderName;
  /** The checkout flows offered, for providers that have several (Resurs: simplified, hosted). */
  readonly flows?: readonly string[];
  start(request: StartRequest, idempotencyKey: string): Promise<StartedPayment>;
  /** What the provider says now about this checkout's payment (or the payment named). */
  lookup(ref: PaymentRef): Promise<ProviderPayment>;
  /** The customer says they signed: the provider's follow-up call (Resurs: bookSignedPayment). */
  confirmSigned(ref: PaymentRef, idempotencyKey: string): Promise<ProviderPayment>;
  /** Takes the money of an `authorized` payment (Resurs: finalize). */
  capture(ref: PaymentRef, amount: number, idempotencyKey: string): Promise<ProviderPayment>;
  /** Undoes an authorization or voids a pending payment (KOMOJU: cancel; Resurs: annul). */
  void(ref: PaymentRef, idempotencyKey: string): Promise<ProviderPayment>;
  /**
   * Stops the provider's page from taking a payment (the customer left, or the checkout timed
   * out) and answers what it became: a payment that slipped in first is reported, not lost.
   */
  close(ref: PaymentRef, idempotencyKey: string): Promise<ProviderPayment>;
  refund(ref: PaymentRef, amount: number, idempotencyKey: string): Promise<ProviderPayment>;
  /** Webhooks, callbacks and the customer's return, as this provider sends them. */
  readonly inbound: ProviderInbound;
  /** The payment methods the account offers, for providers whose methods vary by account (Resurs). */
  methods?(): Promise<PaymentMethodOffer[]>;
  /**
   * Opens a checkout that lives in the shop's own page (Resurs Checkout's iframe) before the
   * order exists: the customer fills it in, and the checkout starts when they press "buy".
   */
  embed?(request: EmbedRequest): Promise<EmbeddedCheckout>;
}

export interface EmbedRequest {
  orderId: string;
  amount: number;
  currency: string;
  method: string;
  items: PricedItem[];
  /** `{PUBLIC_URL}/checkouts/{orderId}`, as in StartRequest. */
  checkoutUrl: string;
  /** Origin of the page that embeds the checkout (its messages go only there). */
  shopUrl: string;
}

export interface EmbeddedCheckout {
  reference: string;
  sessionId: string;
  iframeUrl: string;
  /** Origin the embedded checkout's messages come from. */
  origin: string;
}

export interface PaymentMethodOffer {
  id: string;
  description: string;
  type?: string;
  minLimit?: number;
  maxLimit?: number;
}

/** One webhook or callback request, as the HTTP layer hands it over (raw, unverified). */
export interface Delivery {
  method: string;
  /** The path after `/webhooks/{provider}` (`''`, or `/BOOKED` for a Resurs callback). */
  path: string;
  query: Record<string, string | undefined>;
  header(name: string): string | undefined;
  rawBody: Buffer;
}

/** A verified delivery, reduced to what the inbox and the relay need. */
export interface InboundEvent {
  /** Unique per provider event, so a repeated delivery is recognised. */
  id: string;
  type: string;
  /** The order it names, if the provider names orders (KOMOJU: `external_order_num`). */
  orderId: string | null;
  /** The provider's reference it names, when it names no order (Resurs: the payment id). */
  reference: string | null;
  paymentId: string | null;
  /** The checkout signal it becomes; null for events no checkout needs (ping, updated). */
  signal: PaymentEventKind | null;
}

export type Received = { ok: true; event: InboundEvent } | { ok: false; status: number; code: string; message: string };

export type InboundOutcome = 'accepted' | 'duplicate' | 'unknown_order';

export type Landing = { ok: true; fromCustomer: boolean; says?: 'signed' } | { ok: false; status: number; code: string; message: string };

export interface ProviderInbound {
  /** HTTP methods the provider delivers with (KOMOJU: POST; Resurs: GET and POST). */
  readonly webhookMethods: readonly string[];
  /** Verifies (signature, digest) and parses a delivery; never throws on bad input. */
  receive(delivery: Delivery): Received;
  /** The answer the provider expects for each outcome (KOMOJU: 200 JSON; Resurs: 204, 410). */
  answer(outcome: InboundOutcome): { status: number; body?: unknown };
  /** Where this provider sends the customer back, under `/checkouts/{orderId}/` (KOMOJU: `return`). */
  readonly landings: readonly string[];
  /**
   * Reads the customer's return at one of those landings. Never trusted for the outcome (the
   * provider's API decides); it says whether the visit carries the proof only the customer's
   * browser has (then the order page link may carry the client secret), and what the customer
   * claims (`signed`), which only prompts the workflow to ask the provider.
   */
  land(landing: string, query: Record<string, unknown>, order: { orderId: string; reference: string | null }): Landing;
}

/** A provider answered with an error; `retryable` says whether asking again can help. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
