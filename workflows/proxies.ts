/**
 * The activities as the workflows see them: one proxy per group, each typed as that group only
 * (so `provider.holdSeats` does not compile), with the group's timeouts. Transient failures
 * retry (operators see the attempts in the UI); business failures end a step for good.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { EmailActivities, PaymentActivities, StoreActivities } from '../activities';
import { BUSINESS_FAILURES } from '../src/temporal/messages';

const nonRetryableErrorTypes = [...BUSINESS_FAILURES];

export const store = proxyActivities<StoreActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes },
});

const providerCalls: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '2m', nonRetryableErrorTypes },
};

/** Calls that move money (capture, void, refund): retried until the provider answers. */
export const provider = proxyActivities<PaymentActivities>(providerCalls);

/**
 * Questions while waiting (lookups, closing the page): given up after ten minutes, since the
 * checkout can decide without the answer and the provider's next webhook asks again.
 */
export const providerQuestions = proxyActivities<PaymentActivities>({ ...providerCalls, scheduleToCloseTimeout: '10m' });

/** Opening the provider's page: retried only while the customer could still pay. */
export function providerWithin(ms: number): PaymentActivities {
  return proxyActivities<PaymentActivities>({ ...providerCalls, scheduleToCloseTimeout: ms });
}

/**
 * An attempt heartbeats while the SMTP server is still answering, and nodemailer's own
 * timeouts end it well before `startToCloseTimeout`, so a retry never overlaps a send still in
 * progress (which would deliver the mail twice).
 */
export const mail = proxyActivities<EmailActivities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '2s', maximumInterval: '30s', nonRetryableErrorTypes },
});
