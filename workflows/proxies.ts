/**
 * The activities as the workflows see them: one proxy per group, each typed as that group only
 * (so `provider.holdSeats` does not compile), with the group's timeouts. Transient failures
 * retry (operators see the attempts in the UI); business failures end a step for good.
 */
import { proxyActivities as proxy, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { EmailActivities, PaymentActivities, StoreActivities } from '../activities';
import { BUSINESS_FAILURES } from '../src/temporal/messages';
import { ACTIVITY_SUMMARIES } from './summaries';

/** `proxyActivities`, with every call carrying its one-line summary for the UI's history. */
function proxyActivities<A extends object>(options: ActivityOptions): ActivityInterfaceFor<A> {
  const activities = proxy<A>(options);
  const summaries = ACTIVITY_SUMMARIES as unknown as Record<string, (arg: unknown) => string>;
  return new Proxy(activities, {
    get(target, name) {
      const activity = Reflect.get(target, name) as { executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<unknown> };
      const summarise = typeof name === 'string' ? summaries[name] : undefined;
      if (!summarise) return activity;
      return (...args: unknown[]) => activity.executeWithOptions({ summary: summarise(args[0]) }, args);
    },
  });
}

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

/** An operator waits for the answer: provider calls on an operator's behalf give up after a minute. */
export const providerForOperator = proxyActivities<PaymentActivities>({ ...providerCalls, scheduleToCloseTimeout: '1m' });

/**
 * An attempt heartbeats while the SMTP server is still answering, and nodemailer's own
 * timeouts end it well before `startToCloseTimeout`, so a retry never overlaps a send still in
 * progress (which would deliver the mail twice).
 */
const mailCalls: ActivityOptions = {
  startToCloseTimeout: '2m',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '2s', maximumInterval: '30s', nonRetryableErrorTypes },
};
export const mail = proxyActivities<EmailActivities>(mailCalls);

/** A mail an operator resends: they hear within five minutes whether it went out. */
export const mailForOperator = proxyActivities<EmailActivities>({ ...mailCalls, scheduleToCloseTimeout: '5m' });
