import { randomInt } from 'node:crypto';
import type { PricedItem, Ticket } from '../src/domain/checkout';
import type { ActivityDeps } from './deps';

// No 0/O, 1/I/L: codes are read aloud at the door.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function ticketCode(length = 10): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

export function createTicketActivities({ store }: ActivityDeps) {
  return {
    /**
     * One ticket per seat, each keyed by order and position, so a retry finds the tickets it
     * already issued instead of issuing new ones. Codes are unique by index. Each ticket is
     * written and read back in one call by its key (never a search by order: the collection grows).
     */
    async issueTickets({ orderId, eventId, items }: { orderId: string; eventId: string; items: PricedItem[] }): Promise<Ticket[]> {
      const tickets: Ticket[] = [];
      let seq = 0;
      for (const item of items) {
        for (let n = 0; n < item.quantity; n++, seq++) {
          const ticket = await store.tickets.findOneAndUpdate(
            { _id: `${orderId}:${seq}` },
            { $setOnInsert: { orderId, eventId, ticketTypeId: item.ticketTypeId, code: ticketCode(), seq, issuedAt: new Date() } },
            { upsert: true, returnDocument: 'after' },
          );
          tickets.push({ code: ticket!.code, ticketTypeId: ticket!.ticketTypeId });
        }
      }
      return tickets;
    },
  };
}
