import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import { ORDER_NOT_FOUND } from '../src/temporal/messages';
import { orderPageUrl } from '../src/checkout/request';
import { renderMail, type EmailKind } from '../src/mail/templates';
import type { ActivityDeps } from './deps';

export type { EmailKind };

/** Well under the mail proxy's 20 s heartbeatTimeout (the SDK throttles to 80 % of it anyway). */
const SEND_HEARTBEAT_INTERVAL_MS = 3_000;
/** An attempt gives up this long before its startToCloseTimeout, so it never outlives it. */
const SEND_DEADLINE_MARGIN_MS = 15_000;

export function createEmailActivities({ store, mailer, storefrontUrl }: ActivityDeps) {
  return {
    /**
     * Sends one mail of a kind per order. A `sent` record makes retries and replays no-ops;
     * the record is claimed before sending, so a crash mid-send resends with the same
     * Message-ID rather than losing the mail.
     */
    async sendEmail({ orderId, kind, resend }: { orderId: string; kind: EmailKind; resend?: string }): Promise<{ sent: boolean }> {
      // An operator's resend is a mail of its own, once per request (its update id).
      const _id = resend ? `${orderId}:${kind}:resend:${resend}` : `${orderId}:${kind}`;
      const existing = await store.emails.findOne({ _id });
      if (existing?.state === 'sent') return { sent: false };
      const order = await store.orders.findOne({ _id: orderId });
      if (!order) throw ApplicationFailure.nonRetryable(`order ${orderId} not found`, ORDER_NOT_FOUND);

      const messageId = resend ? `<${orderId}.${kind}.${resend}@checkout-sagas>` : `<${orderId}.${kind}@checkout-sagas>`;
      await store.emails.updateOne(
        { _id },
        { $setOnInsert: { orderId, kind, to: order.customer.email, messageId, state: 'sending' }, $inc: { attempts: 1 } },
        { upsert: true },
      );
      const mail = renderMail(kind, order, { orderUrl: orderPageUrl(storefrontUrl, order, true) });
      await whileAttemptLives((signal) => mailer.send({ to: order.customer.email, messageId, ...mail }, { signal }));
      await store.emails.updateOne({ _id }, { $set: { state: 'sent', sentAt: new Date() } });
      return { sent: true };
    },
  };
}

/**
 * Runs `work` so that it cannot overlap the next attempt: it heartbeats (a dead worker is noticed
 * within heartbeatTimeout, a live one is never timed out by it), and its signal aborts when the
 * activity is cancelled (including when the server has already timed this attempt out) or when
 * startToCloseTimeout is near. Outside an activity (plain unit tests) it just runs `work`.
 */
async function whileAttemptLives<T>(work: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  const context = asyncLocalStorage.getStore();
  if (!context) return work();
  const { startToCloseTimeoutMs } = context.info;
  const signals = [context.cancellationSignal];
  if (startToCloseTimeoutMs > 0) signals.push(AbortSignal.timeout(Math.max(startToCloseTimeoutMs - SEND_DEADLINE_MARGIN_MS, 1_000)));

  context.heartbeat();
  const beat = setInterval(() => context.heartbeat(), SEND_HEARTBEAT_INTERVAL_MS);
  try {
    return await work(AbortSignal.any(signals));
  } catch (err) {
    // Report a cancellation as such (the CancelledFailure), not as the mailer's AbortError.
    if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
    throw err;
  } finally {
    clearInterval(beat);
  }
}
