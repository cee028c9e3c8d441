import { ApplicationFailure } from '@temporalio/activity';
import type { Customer, PricedItem, ProviderName } from '../src/domain/checkout';
import { ProviderError, type PaymentProvider, type PaymentRef, type ProviderPayment, type StartedPayment } from '../src/providers/types';
import { PROVIDER_MISSING, PROVIDER_REJECTED } from '../src/temporal/messages';
import type { ActivityDeps } from './deps';

export interface StartPayment {
  orderId: string;
  provider: ProviderName;
  method: string;
  flow?: string;
  amount: number;
  currency: string;
  customer: Customer;
  items: PricedItem[];
  expiresInSeconds: number;
  idempotencyKey: string;
}

/** Which provider, and which order and payment there. */
export type ProviderCall = PaymentRef & { provider: ProviderName };
type KeyedCall = ProviderCall & { idempotencyKey: string };

/** A provider's "no" that asking again cannot change becomes a non-retryable failure. */
async function callProvider<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ProviderError && !err.retryable) {
      throw ApplicationFailure.nonRetryable(`${what}: ${err.message}`, PROVIDER_REJECTED, { status: err.status, code: err.code });
    }
    throw err;
  }
}

/**
 * Every call to a payment provider, through the provider seam. Each is idempotent: reads by
 * nature, writes by the idempotency key the workflow derives from the order id and the step.
 */
export function createPaymentActivities({ providers, store, publicUrl }: ActivityDeps) {
  const providerFor = (name: ProviderName): PaymentProvider => {
    const provider = providers[name];
    if (!provider) throw ApplicationFailure.nonRetryable(`payment provider ${name} is not configured`, PROVIDER_MISSING);
    return provider;
  };
  const ref = ({ orderId, reference, paymentId, currency }: ProviderCall): PaymentRef => ({ orderId, reference, paymentId, currency });

  return {
    /** Opens the provider's page (or books the payment) and remembers where the customer goes next. */
    async startPayment(request: StartPayment): Promise<StartedPayment> {
      const started = await callProvider('start payment', () =>
        providerFor(request.provider).start(
          {
            orderId: request.orderId,
            amount: request.amount,
            currency: request.currency,
            method: request.method,
            flow: request.flow,
            customer: request.customer,
            items: request.items,
            checkoutUrl: `${publicUrl}/checkouts/${encodeURIComponent(request.orderId)}`,
            expiresInSeconds: request.expiresInSeconds,
          },
          request.idempotencyKey,
        ),
      );
      const redirect = started.nextAction.type === 'redirect' ? { 'payment.redirectUrl': started.nextAction.url } : {};
      // Field by field: what the shop recorded beside it (Resurs Checkout's rejections) stays.
      const record = Object.fromEntries(Object.entries(started.record ?? {}).map(([key, value]) => [`payment.${request.provider}.${key}`, value]));
      await store.orders.updateOne(
        { _id: request.orderId },
        { $set: { 'payment.reference': started.reference, 'payment.nextAction': started.nextAction, 'payment.expiresAt': started.expiresAt, ...redirect, ...record } },
      );
      return started;
    },

    /** Never trusts a redirect or webhook alone: asks the provider what really happened. */
    async lookupPayment(call: ProviderCall): Promise<ProviderPayment> {
      return callProvider('look up payment', () => providerFor(call.provider).lookup(ref(call)));
    },

    async confirmSignedPayment(call: KeyedCall): Promise<ProviderPayment> {
      return callProvider('confirm signed payment', () => providerFor(call.provider).confirmSigned(ref(call), call.idempotencyKey));
    },

    async capturePayment(call: KeyedCall & { amount: number }): Promise<ProviderPayment> {
      return callProvider('capture', () => providerFor(call.provider).capture(ref(call), call.amount, call.idempotencyKey));
    },

    async voidPayment(call: KeyedCall): Promise<ProviderPayment> {
      return callProvider('void payment', () => providerFor(call.provider).void(ref(call), call.idempotencyKey));
    },

    /** Closes the provider's page so nothing can be paid after we give up; reports a late payment. */
    async closePayment(call: KeyedCall): Promise<ProviderPayment> {
      return callProvider('close payment page', () => providerFor(call.provider).close(ref(call), call.idempotencyKey));
    },

    async refundPayment(call: KeyedCall & { amount: number }): Promise<ProviderPayment> {
      return callProvider('refund', () => providerFor(call.provider).refund(ref(call), call.amount, call.idempotencyKey));
    },
  };
}
