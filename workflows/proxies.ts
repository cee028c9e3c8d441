/**
 * The activities as the workflows see them: one proxy per timeout profile. Transient failures
 * retry without limit (operators see the attempts in the UI); only business failures end a
 * step for good.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CheckoutActivities } from '../activities';

const BUSINESS_FAILURES = ['SoldOut', 'NoHold', 'ProviderRejected', 'ProviderMissing', 'OrderNotFound', 'PaymentMismatch'];

export const store = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes: BUSINESS_FAILURES },
});

export const provider = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '2m', nonRetryableErrorTypes: BUSINESS_FAILURES },
});

export const mail = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '5m', nonRetryableErrorTypes: BUSINESS_FAILURES },
});
