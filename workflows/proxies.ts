/**
 * The activities as the workflows see them: one proxy per group, each typed as that group only
 * (so `provider.holdSeats` does not compile), with the group's timeouts. Transient failures
 * retry (operators see the attempts in the UI); business failures end a step for good.
 */
import { patched, proxyActivities as proxy, proxyLocalActivities, type ActivityInterfaceFor, type ActivityOptions, type LocalActivityInterfaceFor, type RetryPolicy } from '@temporalio/workflow';
import type { EmailActivities, PaymentActivities, StoreActivities } from '../activities';
import { BUSINESS_FAILURES } from '../src/temporal/messages';
import { ACTIVITY_SUMMARIES } from './summaries';

type Call = { executeWithOptions(options: object, args: unknown[]): Promise<unknown> };

/** Every call through `activities` carries its one-line summary for the UI's history. */
function summarised<A extends object>(activities: A): A {
  const summaries = ACTIVITY_SUMMARIES as unknown as Record<string, (arg: unknown) => string>;
  return new Proxy(activities, {
    get(target, name) {
      const activity = Reflect.get(target, name) as Call;
      const summarise = typeof name === 'string' ? summaries[name] : undefined;
      if (!summarise) return activity;
      return (...args: unknown[]) => activity.executeWithOptions({ summary: summarise(args[0]) }, args);
    },
  });
}

const proxyActivities = <A extends object>(options: ActivityOptions): ActivityInterfaceFor<A> => summarised(proxy<A>(options));

const nonRetryableErrorTypes = [...BUSINESS_FAILURES];

const storeRetry: RetryPolicy = { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes };

/**
 * Our own database steps (seats, order, tickets) run as local activities: each is one or a few
 * single-document writes, idempotent by order and step, done in milliseconds, so a round trip
 * through the task queue and three history events each cost more than the step itself. A run
 * of them (payment recorded → seats sold → tickets issued → order completed) now fits in one
 * workflow task. A step that fails is retried by the worker running the workflow (with backoff;
 * past a minute between tries, through a durable timer), and a worker that dies mid-step runs it
 * again on the next one: safe, as it would be for a regular activity. What operators lose is
 * the "pending activity" view of a step still retrying: its failures show in the worker's logs
 * and in `temporal_local_activity_execution_failed`. Provider calls and mail stay regular
 * activities: they reach outside, take seconds, and an operator must see their attempts.
 *
 * Runs started before this change recorded those steps as regular activities: `patched` keeps
 * replaying them that way.
 */
const localStore = summarised(proxyLocalActivities<StoreActivities>({ startToCloseTimeout: '30s', retry: storeRetry }));
const regularStore = proxyActivities<StoreActivities>({ startToCloseTimeout: '30s', retry: storeRetry });
export const store: LocalActivityInterfaceFor<StoreActivities> = new Proxy(regularStore, {
  get: (_, name) => Reflect.get(patched('store-steps-run-local') ? localStore : regularStore, name),
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
