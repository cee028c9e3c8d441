import { MongoClient, type Db } from 'mongodb';
import pino from 'pino';
import { createActivities } from '../../activities';
import type { ActivityDeps } from '../../activities/deps';
import { collections, ensureIndexes } from '../../src/db/mongo';
import { inventoryId } from '../../src/db/schema';
import type { PricedItem } from '../../src/domain/checkout';
import { freshDb, testServers } from '../support/servers';

let db: Db;
let uri: string;
let drop: () => Promise<void>;
let activities: ReturnType<typeof createActivities>;

beforeAll(async () => {
  ({ db, uri, cleanup: drop } = await freshDb(testServers().mongoUri));
  await ensureIndexes(db);
  const deps = { store: collections(db), log: pino({ level: 'silent' }) } as unknown as ActivityDeps;
  activities = createActivities(deps);
});
afterAll(() => drop());

async function seedEvent(eventId: string, capacity: Record<string, number>) {
  await collections(db).inventory.insertMany(
    Object.entries(capacity).map(([ticketTypeId, seats]) => ({
      _id: inventoryId(eventId, ticketTypeId),
      eventId,
      ticketTypeId,
      capacity: seats,
      available: seats,
      reserved: 0,
      sold: 0,
      revenue: 0,
    })),
  );
}
const seats = (eventId: string, ticketTypeId: string) => collections(db).inventory.findOne({ _id: inventoryId(eventId, ticketTypeId) });
const item = (ticketTypeId: string, quantity: number): PricedItem => ({ ticketTypeId, quantity, name: ticketTypeId, unitPrice: 1000 });

test('50 concurrent holds of one seat each for 10 seats: exactly 10 succeed, the rest are sold out', async () => {
  await seedEvent('rush', { general: 10 });
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, (_, n) => activities.holdSeats({ orderId: `o${n}`, eventId: 'rush', items: [item('general', 1)] })),
  );
  const held = results.filter((r) => r.status === 'fulfilled').length;
  const soldOut = results.filter((r) => r.status === 'rejected' && (r.reason as { type?: string }).type === 'SoldOut').length;
  expect(held).toBe(10);
  expect(soldOut).toBe(40);
  expect(await seats('rush', 'general')).toMatchObject({ available: 0, reserved: 10, sold: 0 });
  expect(await collections(db).seatHolds.countDocuments({ eventId: 'rush', state: 'held' })).toBe(10);
  expect(await collections(db).seatHolds.countDocuments({ eventId: 'rush', state: 'refused' })).toBe(40);
});

test('40 connections storming one document with guarded $inc: exactly the available seats are taken, and every unguarded $inc counts', async () => {
  // One client per buyer, so the updates really arrive on 40 connections at once (one client's pool
  // would reuse a few); a ping opens each one's connection before the storm.
  const buyers = await Promise.all(
    Array.from({ length: 40 }, async () => {
      const client = new MongoClient(uri, { maxPoolSize: 1 });
      await client.db('admin').command({ ping: 1 });
      return client;
    }),
  );
  try {
    const _id = inventoryId('storm', 'general');
    await seedEvent('storm', { general: 25 });
    const tries = await Promise.all(
      buyers.flatMap((client) => {
        const inventory = client.db(db.databaseName).collection<{ _id: string }>('inventory');
        return Array.from({ length: 3 }, async () => {
          const [taken] = await Promise.all([
            inventory.updateOne({ _id, available: { $gte: 1 } }, { $inc: { available: -1, sold: 1 } }),
            inventory.updateOne({ _id }, { $inc: { visits: 1 } }),
          ]);
          return taken.modifiedCount;
        });
      }),
    );
    expect(tries.filter((n) => n === 1)).toHaveLength(25);
    expect(await seats('storm', 'general')).toMatchObject({ available: 0, sold: 25, visits: 120 });
  } finally {
    await Promise.all(buyers.map((client) => client.close()));
  }
});

test('re-running hold, sell and release for the same order changes nothing', async () => {
  await seedEvent('rerun', { general: 5 });
  const order = { orderId: 'once', eventId: 'rerun', items: [item('general', 2)] };
  await activities.holdSeats(order);
  await activities.holdSeats(order);
  expect(await seats('rerun', 'general')).toMatchObject({ available: 3, reserved: 2 });
  await activities.sellSeats(order);
  await activities.sellSeats(order);
  await activities.holdSeats(order); // a late retry of the hold must not take seats again
  expect(await seats('rerun', 'general')).toMatchObject({ available: 3, reserved: 0, sold: 2, revenue: 2000 });
  await activities.releaseSeats(order);
  await activities.releaseSeats(order);
  expect(await seats('rerun', 'general')).toMatchObject({ available: 5, reserved: 0, sold: 0, revenue: 0 });
});

test('an order for two ticket types holds both or neither', async () => {
  await seedEvent('mixed', { general: 5, vip: 1 });
  const failure = await activities
    .holdSeats({ orderId: 'greedy', eventId: 'mixed', items: [item('general', 2), item('vip', 2)] })
    .catch((err) => err);
  expect(failure.type).toBe('SoldOut');
  expect(await seats('mixed', 'general')).toMatchObject({ available: 5, reserved: 0, pending: [] });
  expect(await collections(db).seatHolds.findOne({ _id: 'mixed:general:greedy' })).toMatchObject({ state: 'released', quantity: 2 });
  expect(await seats('mixed', 'vip')).toMatchObject({ available: 1, reserved: 0 });
});

test('tickets: one unique code per seat, and a retry returns the same codes', async () => {
  const order = { orderId: 'tix', eventId: 'rerun', items: [item('general', 2), item('vip', 1)] };
  const first = await activities.issueTickets(order);
  const again = await activities.issueTickets(order);
  expect(first).toHaveLength(3);
  expect(new Set(first.map((t) => t.code)).size).toBe(3);
  expect(again).toEqual(first);
  expect(first.map((t) => t.ticketTypeId)).toEqual(['general', 'general', 'vip']);
});
