import { ApplicationFailure } from '@temporalio/activity';
import { renderMail, type EmailKind } from '../src/mail/templates';
import type { ActivityDeps } from './deps';

export type { EmailKind };

export function createEmailActivities({ store, mailer, storefrontUrl }: ActivityDeps) {
  return {
    /**
     * Sends one mail of a kind per order. A `sent` record makes retries and replays no-ops;
     * the record is claimed before sending, so a crash mid-send resends with the same
     * Message-ID rather than losing the mail.
     */
    async sendEmail({ orderId, kind }: { orderId: string; kind: EmailKind }): Promise<{ sent: boolean }> {
      const _id = `${orderId}:${kind}`;
      const existing = await store.emails.findOne({ _id });
      if (existing?.state === 'sent') return { sent: false };
      const order = await store.orders.findOne({ _id: orderId });
      if (!order) throw ApplicationFailure.nonRetryable(`order ${orderId} not found`, 'OrderNotFound');

      const messageId = `<${orderId}.${kind}@checkout-sagas>`;
      await store.emails.updateOne(
        { _id },
        { $setOnInsert: { orderId, kind, to: order.customer.email, messageId, state: 'sending' }, $inc: { attempts: 1 } },
        { upsert: true },
      );
      const mail = renderMail(kind, order, { orderUrl: `${storefrontUrl}/orders/${encodeURIComponent(orderId)}` });
      await mailer.send({ to: order.customer.email, messageId, ...mail });
      await store.emails.updateOne({ _id }, { $set: { state: 'sent', sentAt: new Date() } });
      return { sent: true };
    },
  };
}
