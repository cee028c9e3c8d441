import type { Logger } from 'pino';
import type { Store } from '../../db/mongo';
import type { InboxDoc } from '../../db/schema';
import type { Checkouts } from '../../temporal/client';
import type { PaymentEvent, PaymentEventKind } from '../../temporal/messages';

export interface RoutedEvent {
  kind: PaymentEventKind;
  orderId: string;
  event: PaymentEvent;
}

/**
 * Provider events are written here before anyone acts on them, so a webhook is acknowledged
 * only once it cannot be lost. Signalling happens after; what could not be signalled stays
 * `recorded` and the relay tries again.
 */
export class WebhookInbox {
  constructor(
    private readonly store: Store,
    private readonly checkouts: Checkouts,
    private readonly log: Logger,
  ) {}

  /** False when this delivery was recorded before (a duplicate). */
  async record(doc: Omit<InboxDoc, 'receivedAt'>): Promise<boolean> {
    try {
      await this.store.inbox.insertOne({ ...doc, receivedAt: new Date() });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  /** Signals the checkout and marks the record; a closed checkout leaves it for operators. */
  async deliver(id: string, routed: RoutedEvent): Promise<void> {
    try {
      const delivered = await this.checkouts.notify(routed.orderId, routed.kind, routed.event);
      await this.store.inbox.updateOne(
        { _id: id, state: 'recorded' },
        delivered ? { $set: { state: 'signalled' } } : { $set: { state: 'unroutable', note: 'checkout already closed' } },
      );
    } catch (err) {
      this.log.warn({ err, id }, 'webhook recorded but not yet signalled; the relay will retry');
    }
  }

  /** Re-delivers events whose signal failed earlier (Temporal was unreachable). */
  async relay(route: (doc: InboxDoc) => RoutedEvent | undefined, olderThanMs = 5000): Promise<number> {
    const stale = await this.store.inbox
      .find({ state: 'recorded', receivedAt: { $lt: new Date(Date.now() - olderThanMs) } })
      .limit(100)
      .toArray();
    for (const doc of stale) {
      const routed = route(doc);
      if (routed) await this.deliver(doc._id, routed);
      else await this.store.inbox.updateOne({ _id: doc._id }, { $set: { state: 'ignored' } });
    }
    return stale.length;
  }
}
