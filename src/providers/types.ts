import type { Customer, KonbiniSlip, PricedItem } from '../domain/checkout';

/** A payment as the provider sees it, normalised across providers. */
export type PaymentStatus = 'pending' | 'authorized' | 'captured' | 'expired' | 'cancelled' | 'refunded' | 'failed';

export interface ProviderPayment {
  /** Null while the customer has not paid or picked a method yet (only a session exists). */
  paymentId: string | null;
  status: PaymentStatus;
  amount: number;
  currency: string;
  konbini?: KonbiniSlip;
}

export interface SessionRequest {
  orderId: string;
  amount: number;
  currency: string;
  method: string;
  customer: Customer;
  items: PricedItem[];
  returnUrl: string;
  expiresInSeconds: number;
}

export interface PaymentSession {
  /** The provider's handle for this checkout (KOMOJU: session id). */
  reference: string;
  redirectUrl: string;
  expiresAt: string;
}

/** The one door through which the service talks to a payment provider. */
export interface PaymentProvider {
  createSession(request: SessionRequest, idempotencyKey: string): Promise<PaymentSession>;
  /** The state of whatever payment the session led to. */
  lookupSession(reference: string): Promise<ProviderPayment>;
  lookupPayment(paymentId: string): Promise<ProviderPayment>;
  /**
   * Stops the session from taking a payment (the customer left, or the checkout timed out) and
   * answers what it became: a payment that slipped in first is reported, not lost.
   */
  closeSession(reference: string, idempotencyKey: string): Promise<ProviderPayment>;
  refund(paymentId: string, amount: number, idempotencyKey: string): Promise<ProviderPayment>;
  cancel(paymentId: string, idempotencyKey: string): Promise<ProviderPayment>;
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
