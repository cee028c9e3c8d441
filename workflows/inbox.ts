/** Payment events waiting to be handled, in arrival order, each provider event id once. */
import type { PaymentEvent, PaymentEventKind } from '../src/temporal/messages';

export interface ReceivedEvent {
  kind: PaymentEventKind;
  event: PaymentEvent;
}

export class PaymentInbox {
  private readonly seen = new Set<string>();
  private readonly queue: ReceivedEvent[] = [];

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

  next(): ReceivedEvent | undefined {
    return this.queue.shift();
  }
}
