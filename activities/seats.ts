import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { CheckoutItem, PricedItem } from '../src/domain/checkout';
import { isDuplicateKey } from '../src/db/mongo';
import { seatHoldId, type SeatHoldDoc } from '../src/db/schema';
import { NO_HOLD, SOLD_OUT } from '../src/temporal/messages';
import type { ActivityDeps } from './deps';
import { createLegacySeats } from './seats-legacy';
import { createSeatLedger } from './seat-ledger';

export interface SeatsRequest {
  orderId: string;
  eventId: string;
  items: CheckoutItem[];
}
type Priced = { orderId: string; eventId: string; items: PricedItem[] };

/**
 * Each order's seats of a ticket type are a document of their own (seatHolds) and the ticket
 * type's inventory document keeps only counters, so a seat operation costs the same with ten
 * orders or a hundred thousand. How a change stays exact without transactions: seat-ledger.ts.
 * Every function below loops over the seat doc's state until it reaches its goal, so a re-run
 * (or a concurrent duplicate) picks up wherever another run stopped.
 */
export function createSeatActivities({ store, metrics }: ActivityDeps) {
  const ledger = createSeatLedger(store);
  const legacy = createLegacySeats(store);
  const find = (eventId: string, ticketTypeId: string, orderId: string) => store.seatHolds.findOne({ _id: seatHoldId(eventId, ticketTypeId, orderId) });

  /** The first hold of an order: its intent. Null when a duplicate run (or an earlier round) made it. */
  async function start(orderId: string, eventId: string, item: CheckoutItem): Promise<SeatHoldDoc | null> {
    const doc: SeatHoldDoc = {
      _id: seatHoldId(eventId, item.ticketTypeId, orderId),
      eventId,
      ticketTypeId: item.ticketTypeId,
      orderId,
      quantity: item.quantity,
      unitPrice: 0,
      state: 'holding',
      round: 1,
      applied: {},
      updatedAt: new Date(),
    };
    try {
      await store.seatHolds.insertOne(doc);
      return doc;
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /** No seats claimed: sold out, unless the code before seatHolds holds them (a hold retried across the deploy). */
  async function refuseOrLegacy(doc: SeatHoldDoc): Promise<SeatHoldDoc | 'legacy'> {
    if (doc.round > 1 || !(await legacy.holds(doc.orderId, doc.eventId, doc.ticketTypeId))) return ledger.refuse(doc);
    // Those keys stop any claim of this hold, so sell and release must find no seat doc and use them.
    await store.seatHolds.deleteOne({ _id: doc._id, state: 'holding', round: 1 });
    return 'legacy';
  }

  /** True when the order holds (or bought) the seats; false when there are not enough. */
  async function holdOne(orderId: string, eventId: string, item: CheckoutItem, run: string): Promise<boolean> {
    // The first run of a hold finds nothing: try the insert before reading.
    let doc = (await start(orderId, eventId, item)) ?? (await find(eventId, item.ticketTypeId, orderId));
    for (;;) {
      if (!doc) return holdOne(orderId, eventId, item, run); // deleted for the old keys meanwhile: look again
      switch (doc.state) {
        case 'held':
        case 'selling':
        case 'sold':
          await ledger.tidy(doc, 'hold');
          return true;
        case 'refused':
          // A duplicate run was told there were no seats: say the same, whatever came free since.
          return false;
        case 'released':
          // Held again (a late payment): a new round, so the first round's markers stay apart.
          doc = (await ledger.begin(doc, 'hold', { round: doc.round + 1, quantity: item.quantity })) ?? (await ledger.reload(doc));
          continue;
        case 'releasing': {
          const after = await ledger.advance(doc, 'release', run);
          doc = after === 'no-seats' ? await ledger.reload(doc) : after;
          continue;
        }
        case 'holding': {
          const after = await ledger.advance(doc, 'hold', run);
          const next = after === 'no-seats' ? await refuseOrLegacy(doc) : after;
          if (next === 'legacy') return true;
          if (next.state === 'held') return true; // settled by advance or refuse: no tidying needed
          doc = next;
          continue;
        }
      }
    }
  }

  async function sellOne(orderId: string, eventId: string, item: PricedItem, run: string): Promise<void> {
    let doc = await find(eventId, item.ticketTypeId, orderId);
    if (!doc && (await legacy.sell(orderId, eventId, item))) return;
    for (;;) {
      if (!doc || doc.state === 'releasing' || doc.state === 'released' || doc.state === 'refused') {
        throw ApplicationFailure.nonRetryable(`order ${orderId} holds no seats of ${item.ticketTypeId}`, NO_HOLD);
      }
      if (doc.state === 'sold') return ledger.tidy(doc, 'sell');
      if (doc.state === 'held') doc = (await ledger.begin(doc, 'sell', { unitPrice: item.unitPrice })) ?? (await ledger.reload(doc));
      else if (doc.state === 'holding') doc = await ledger.resolveHold(doc);
      else {
        const after = await ledger.advance(doc, 'sell', run);
        if (after !== 'no-seats' && after.state === 'sold') return;
        doc = await ledger.reload(doc);
      }
    }
  }

  async function releaseOne(orderId: string, eventId: string, ticketTypeId: string, unitPrice: number, run: string): Promise<void> {
    let doc = await find(eventId, ticketTypeId, orderId);
    if (!doc) return legacy.release(orderId, eventId, ticketTypeId, unitPrice);
    for (;;) {
      if (doc.state === 'refused') return;
      if (doc.state === 'released') return ledger.tidy(doc, 'release');
      if (doc.state === 'held' || doc.state === 'sold') doc = (await ledger.begin(doc, 'release', { releasedFrom: doc.state })) ?? (await ledger.reload(doc));
      else if (doc.state === 'holding') doc = await ledger.resolveHold(doc);
      else {
        const after = await ledger.advance(doc, doc.state === 'selling' ? 'sell' : 'release', run);
        if (after !== 'no-seats' && after.state === 'released') return;
        doc = await ledger.reload(doc);
      }
    }
  }

  return {
    /** Holds every ticket type of the order or none: a partial hold is given back. */
    async holdSeats({ orderId, eventId, items }: SeatsRequest): Promise<void> {
      const run = randomUUID();
      for (const [index, item] of items.entries()) {
        if (!(await holdOne(orderId, eventId, item, run))) {
          for (const earlier of items.slice(0, index)) await releaseOne(orderId, eventId, earlier.ticketTypeId, 0, run);
          metrics?.rejected.inc({ reason: 'sold_out' });
          throw ApplicationFailure.nonRetryable(`not enough seats left for ${item.ticketTypeId}`, SOLD_OUT, {
            ticketTypeId: item.ticketTypeId,
          });
        }
      }
    },

    /** Gives back whatever the order has: a hold, or seats already sold to it (refund). */
    async releaseSeats({ orderId, eventId, items }: Priced): Promise<void> {
      const run = randomUUID();
      for (const item of items) await releaseOne(orderId, eventId, item.ticketTypeId, item.unitPrice, run);
    },

    /** Turns the order's hold into sales and books the revenue. */
    async sellSeats({ orderId, eventId, items }: Priced): Promise<void> {
      const run = randomUUID();
      for (const item of items) await sellOne(orderId, eventId, item, run);
    },
  };
}
