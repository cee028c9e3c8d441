import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { isDuplicateKey, type Store } from '../db/mongo';
import { inventoryId, type EventDoc, type InventoryDoc } from '../db/schema';
import { HttpError, notFound, parseBody } from './errors';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

export const CreateEvent = z
  .object({
    id: id.optional(),
    title: z.string().trim().min(1).max(200),
    currency: z.literal('JPY'),
    ticketTypes: z
      .array(
        z.strictObject({
          id,
          name: z.string().trim().min(1).max(100),
          price: z.number().int().positive(),
          capacity: z.number().int().min(0).max(1_000_000),
        }),
      )
      .min(1)
      .max(50)
      .refine((types) => new Set(types.map((t) => t.id)).size === types.length, 'ticket type ids must be unique'),
  })
  .strict();

export function eventView(event: EventDoc, inventory: InventoryDoc[]) {
  const byType = new Map(inventory.map((doc) => [doc.ticketTypeId, doc]));
  const ticketTypes = event.ticketTypes.map((type) => {
    const seats = byType.get(type.id);
    return {
      ...type,
      sold: seats?.sold ?? 0,
      reserved: seats?.reserved ?? 0,
      available: seats?.available ?? type.capacity,
    };
  });
  const totalSales = inventory.reduce((sum, doc) => sum + doc.revenue, 0);
  return { id: event._id, title: event.title, currency: event.currency, ticketTypes, totalSales };
}

export async function loadEvent(store: Store, eventId: string) {
  const event = await store.events.findOne({ _id: eventId });
  if (!event) throw notFound(`event ${eventId}`);
  return event;
}

export function eventsRouter(store: Store, requireAdmin: import('express').RequestHandler): Router {
  const router = Router();

  router.post('/', requireAdmin, async (req, res) => {
    const body = parseBody(CreateEvent, req.body);
    const event: EventDoc = { _id: body.id ?? `evt_${randomUUID().replace(/-/g, '').slice(0, 16)}`, title: body.title, currency: body.currency, ticketTypes: body.ticketTypes, createdAt: new Date() };
    try {
      await store.events.insertOne(event);
    } catch (err) {
      if (isDuplicateKey(err)) throw new HttpError(409, 'already_exists', `event ${event._id} already exists`);
      throw err;
    }
    const inventory: InventoryDoc[] = event.ticketTypes.map((type) => ({
      _id: inventoryId(event._id, type.id),
      eventId: event._id,
      ticketTypeId: type.id,
      capacity: type.capacity,
      available: type.capacity,
      reserved: 0,
      sold: 0,
      revenue: 0,
    }));
    await store.inventory.insertMany(inventory);
    res.status(201).json(eventView(event, inventory));
  });

  router.get('/:eventId', async (req, res) => {
    const event = await loadEvent(store, req.params.eventId);
    const inventory = await store.inventory.find({ eventId: event._id }).toArray();
    res.json(eventView(event, inventory));
  });

  return router;
}
