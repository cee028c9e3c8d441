import type { Store } from '../src/db/mongo';
import { inventoryId } from '../src/db/schema';
import type { PricedItem } from '../src/domain/checkout';

/**
 * Holds and sales written by the code before seatHolds, as keys of the inventory document
 * (`holds.<orderId>`, `sales.<orderId>`), for checkouts in flight at the deploy. New holds never
 * write them; these single-document updates (the old code's, each guarded by its key, so safe to
 * re-run) move them on until they are gone. Delete this file once no inventory document has
 * a hold key left and no refund of a sale made before the deploy is expected.
 */
export function createLegacySeats({ inventory }: Store) {
  const holdKey = (orderId: string) => `holds.${orderId}`;
  const saleKey = (orderId: string) => `sales.${orderId}`;

  return {
    /** Whether the old code holds (or sold) seats of this type to the order: a hold retried across the deploy. */
    async holds(orderId: string, eventId: string, ticketTypeId: string): Promise<boolean> {
      const _id = inventoryId(eventId, ticketTypeId);
      return (await inventory.countDocuments({ _id, $or: [{ [holdKey(orderId)]: { $exists: true } }, { [saleKey(orderId)]: { $exists: true } }] })) === 1;
    },

    /** Turns an old hold into an old sale; true when the order had either. */
    async sell(orderId: string, eventId: string, item: PricedItem): Promise<boolean> {
      const _id = inventoryId(eventId, item.ticketTypeId);
      const moved = await inventory.updateOne(
        { _id, [holdKey(orderId)]: { $exists: true } },
        {
          $inc: { reserved: -item.quantity, sold: item.quantity, revenue: item.quantity * item.unitPrice },
          $unset: { [holdKey(orderId)]: '' },
          $set: { [saleKey(orderId)]: item.quantity },
        },
      );
      return moved.modifiedCount === 1 || (await inventory.countDocuments({ _id, [saleKey(orderId)]: { $exists: true } })) === 1;
    },

    /** Gives back an old hold or old sale, if the order has one. */
    async release(orderId: string, eventId: string, ticketTypeId: string, unitPrice: number): Promise<void> {
      const _id = inventoryId(eventId, ticketTypeId);
      const doc = await inventory.findOne({ _id }, { projection: { [holdKey(orderId)]: 1, [saleKey(orderId)]: 1 } });
      const held = doc?.holds?.[orderId];
      if (held !== undefined) {
        await inventory.updateOne({ _id, [holdKey(orderId)]: { $exists: true } }, { $inc: { available: held, reserved: -held }, $unset: { [holdKey(orderId)]: '' } });
      }
      const sold = doc?.sales?.[orderId];
      if (sold !== undefined) {
        await inventory.updateOne(
          { _id, [saleKey(orderId)]: { $exists: true } },
          { $inc: { available: sold, sold: -sold, revenue: -sold * unitPrice }, $unset: { [saleKey(orderId)]: '' } },
        );
      }
    },
  };
}
