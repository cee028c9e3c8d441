/** Payment events waiting to be handled, in arrival order, each provider event id once. */
import { setHandler } from '@temporalio/workflow';
import { paymentSignals, type PaymentEvent, type PaymentEventKind } from '../src/temporal/messages';

export interface ReceivedEvent {
  kind: PaymentEventKind;
  event: PaymentEvent;
}

/** A cancel someone asked us for (shop, customer, operator), not a provider's report. */
export function isCancelRequest({ kind, event }: ReceivedEvent): boolean {
  return kind === 'cancelled' && (event.source === 'api' || event.source === 'admin');
}

export class PaymentInbox {
  private readonly seen = new Set<string>();
  private readonly queue: ReceivedEvent[] = [];

  /** Receives every payment signal from now on. */
  static listen(): PaymentInbox {
    const inbox = new PaymentInbox();
    for (const [kind, signal] of Object.entries(paymentSignals)) {
      setHandler(signal, (event) => void inbox.push(kind as PaymentEventKind, event));
    }
    return inbox;
  }

  /** False for a repeat of an event already received. */
  push(kind: PaymentEventKind, event: PaymentEvent): boolean {
    const key = `${kind}:${event.eventId}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    this.queue.push({ kind, event });
    return true;
  }

  get waiting(): boolean {
    return this.queue.length > 0;
  }

  get cancelRequested(): boolean {
    return this.queue.some(isCancelRequest);
  }

  next(): ReceivedEvent | undefined {
    return this.queue.shift();
  }

  /** The event could not be checked with the provider: a redelivery of it is welcome. */
  forget({ kind, event }: ReceivedEvent): void {
    this.seen.delete(`${kind}:${event.eventId}`);
  }
}
