import { ApplicationFailure } from '@temporalio/activity';
import type { CheckoutItem, PricedItem } from '../src/domain/checkout';
import { inventoryId } from '../src/db/schema';
import { NO_HOLD, SOLD_OUT } from '../src/temporal/messages';
import type { ActivityDeps } from './deps';

export interface SeatsRequest {
  orderId: string;
  eventId: string;
  items: CheckoutItem[];
}

/**
 * Seats live in one inventory document per ticket type, and an order's hold is a key inside
 * it, so every change below is one atomic single-document update guarded by that key: running
 * any of them twice for the same order changes nothing.
 */
export function createSeatActivities({ store, metrics }: ActivityDeps) {
  const holdKey = (orderId: string) => `holds.${orderId}`;
  const saleKey = (orderId: string) => `sales.${orderId}`;

  async function holdOne(orderId: string, eventId: string, item: CheckoutItem): Promise<boolean> {
    const _id = inventoryId(eventId, item.ticketTypeId);
    const taken = await store.inventory.updateOne(
      { _id, available: { $gte: item.quantity }, [holdKey(orderId)]: { $exists: false }, [saleKey(orderId)]: { $exists: false } },
      { $inc: { available: -item.quantity, reserved: item.quantity }, $set: { [holdKey(orderId)]: item.quantity } },
    );
    if (taken.modifiedCount === 1) return true;
    // Not taken now: either this order holds (or bought) them already, or there are not enough.
    const already = await store.inventory.countDocuments({
      _id,
      $or: [{ [holdKey(orderId)]: { $exists: true } }, { [saleKey(orderId)]: { $exists: true } }],
    });
    return already === 1;
  }

  async function releaseOne(orderId: string, eventId: string, ticketTypeId: string, unitPrice = 0): Promise<void> {
    const _id = inventoryId(eventId, ticketTypeId);
    const doc = await store.inventory.findOne({ _id }, { projection: { [holdKey(orderId)]: 1, [saleKey(orderId)]: 1 } });
    const held = doc?.holds?.[orderId];
    if (held !== undefined) {
      await store.inventory.updateOne(
        { _id, [holdKey(orderId)]: { $exists: true } },
        { $inc: { available: held, reserved: -held }, $unset: { [holdKey(orderId)]: '' } },
      );
    }
    const sold = doc?.sales?.[orderId];
    if (sold !== undefined) {
      await store.inventory.updateOne(
        { _id, [saleKey(orderId)]: { $exists: true } },
        { $inc: { available: sold, sold: -sold, revenue: -sold * unitPrice }, $unset: { [saleKey(orderId)]: '' } },
      );
    }
  }

  return {
    /** Holds every ticket type of the order or none: a partial hold is given back. */
    async holdSeats({ orderId, eventId, items }: SeatsRequest): Promise<void> {
      for (const [index, item] of items.entries()) {
        if (!(await holdOne(orderId, eventId, item))) {
          for (const earlier of items.slice(0, index)) await releaseOne(orderId, eventId, earlier.ticketTypeId);
          metrics?.rejected.inc({ reason: 'sold_out' });
          throw ApplicationFailure.nonRetryable(`not enough seats left for ${item.ticketTypeId}`, SOLD_OUT, {
            ticketTypeId: item.ticketTypeId,
          });
        }
      }
    },

    /** Gives back whatever the order has: a hold, or seats already sold to it (refund). */
    async releaseSeats({ orderId, eventId, items }: { orderId: string; eventId: string; items: PricedItem[] }): Promise<void> {
      for (const item of items) await releaseOne(orderId, eventId, item.ticketTypeId, item.unitPrice);
    },

    /** Turns the order's hold into sales and books the revenue. */
    async sellSeats({ orderId, eventId, items }: { orderId: string; eventId: string; items: PricedItem[] }): Promise<void> {
      for (const item of items) {
        const _id = inventoryId(eventId, item.ticketTypeId);
        const moved = await store.inventory.updateOne(
          { _id, [holdKey(orderId)]: { $exists: true } },
          {
            $inc: { reserved: -item.quantity, sold: item.quantity, revenue: item.quantity * item.unitPrice },
            $unset: { [holdKey(orderId)]: '' },
            $set: { [saleKey(orderId)]: item.quantity },
          },
        );
        if (moved.modifiedCount === 0) {
          const sold = await store.inventory.countDocuments({ _id, [saleKey(orderId)]: { $exists: true } });
          if (sold === 0) {
            throw ApplicationFailure.nonRetryable(`order ${orderId} holds no seats of ${item.ticketTypeId}`, NO_HOLD);
          }
        }
      }
    },
  };
}
