import { ApplicationFailure } from '@temporalio/activity';
import type { Customer, PricedItem, ProviderName } from '../src/domain/checkout';
import { ProviderError, type PaymentProvider, type PaymentSession, type ProviderPayment } from '../src/providers/types';
import type { ActivityDeps } from './deps';

export interface StartPayment {
  orderId: string;
  provider: ProviderName;
  method: string;
  amount: number;
  currency: string;
  customer: Customer;
  items: PricedItem[];
  expiresInSeconds: number;
  idempotencyKey: string;
}

export interface PaymentRef {
  orderId: string;
  provider: ProviderName;
  reference: string;
  paymentId?: string | null;
}

/** A provider's "no" that asking again cannot change becomes a non-retryable failure. */
async function callProvider<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ProviderError && !err.retryable) {
      throw ApplicationFailure.nonRetryable(`${what}: ${err.message}`, 'ProviderRejected', { status: err.status, code: err.code });
    }
    throw err;
  }
}

export function createPaymentActivities({ providers, store, publicUrl }: ActivityDeps) {
  const providerFor = (name: ProviderName): PaymentProvider => {
    const provider = providers[name];
    if (!provider) throw ApplicationFailure.nonRetryable(`payment provider ${name} is not configured`, 'ProviderMissing');
    return provider;
  };

  return {
    /** Opens the provider's hosted page and remembers it on the order. */
    async startPayment(request: StartPayment): Promise<PaymentSession> {
      const session = await callProvider('create session', () =>
        providerFor(request.provider).createSession(
          {
            orderId: request.orderId,
            amount: request.amount,
            currency: request.currency,
            method: request.method,
            customer: request.customer,
            items: request.items,
            returnUrl: `${publicUrl}/checkouts/${encodeURIComponent(request.orderId)}/return`,
            expiresInSeconds: request.expiresInSeconds,
          },
          request.idempotencyKey,
        ),
      );
      await store.orders.updateOne(
        { _id: request.orderId },
        { $set: { 'payment.reference': session.reference, 'payment.redirectUrl': session.redirectUrl, 'payment.expiresAt': session.expiresAt } },
      );
      return session;
    },

    /** Never trusts a redirect or webhook alone: asks the provider what really happened. */
    async lookupPayment({ provider, reference, paymentId }: PaymentRef): Promise<ProviderPayment> {
      const client = providerFor(provider);
      return callProvider('look up payment', () => (paymentId ? client.lookupPayment(paymentId) : client.lookupSession(reference)));
    },

    /** Closes the provider's page so nothing can be paid after we give up; reports a late payment. */
    async closePayment({ provider, reference, idempotencyKey }: PaymentRef & { idempotencyKey: string }): Promise<ProviderPayment> {
      return callProvider('close session', () => providerFor(provider).closeSession(reference, idempotencyKey));
    },

    async refundPayment({ provider, paymentId, amount, idempotencyKey }: PaymentRef & { paymentId: string; amount: number; idempotencyKey: string }): Promise<ProviderPayment> {
      return callProvider('refund', () => providerFor(provider).refund(paymentId, amount, idempotencyKey));
    },

    async cancelPayment({ provider, paymentId, idempotencyKey }: PaymentRef & { paymentId: string; idempotencyKey: string }): Promise<ProviderPayment> {
      return callProvider('cancel payment', () => providerFor(provider).cancel(paymentId, idempotencyKey));
    },
  };
}
