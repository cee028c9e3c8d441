/**
 * The embedded MongoDB-wire server (FerretDB on SQLite) must behave like MongoDB for the
 * operations the checkout relies on: seat holds are keys inside one document, guarded by $exists.
 */
import { MongoServerError, type Collection } from 'mongodb';
import { freshDb, type FreshDb } from '../support/servers';

interface Inventory {
  _id: string;
  available: number;
  reserved: number;
  sold?: number;
  holds?: Record<string, number>;
  sales?: Record<string, number>;
}

let fresh: FreshDb;
let inventory: Collection<Inventory>;

beforeAll(async () => {
  fresh = await freshDb();
  inventory = fresh.db.collection<Inventory>('inventory');
});
afterAll(() => fresh.cleanup());

test('insert and find round-trip a document', async () => {
  await inventory.insertOne({ _id: 'ev1:a', available: 10, reserved: 0 });
  await expect(inventory.findOne({ _id: 'ev1:a' })).resolves.toEqual({ _id: 'ev1:a', available: 10, reserved: 0 });
  await expect(inventory.find({ available: { $gte: 5 } }).toArray()).resolves.toHaveLength(1);
});

test('a hold is taken once: $inc guarded by $gte and holds.<id> $exists', async () => {
  await inventory.insertOne({ _id: 'ev1:b', available: 3, reserved: 0 });
  const hold = (orderId: string, qty: number) =>
    inventory.updateOne(
      { _id: 'ev1:b', available: { $gte: qty }, [`holds.${orderId}`]: { $exists: false } },
      { $inc: { available: -qty, reserved: qty }, $set: { [`holds.${orderId}`]: qty } },
    );

  expect((await hold('order-1', 2)).modifiedCount).toBe(1);
  expect((await hold('order-1', 2)).modifiedCount).toBe(0); // repeated: no double hold
  expect((await hold('order_2', 2)).modifiedCount).toBe(0); // only 1 left
  expect((await hold('order_2', 1)).modifiedCount).toBe(1);

  const doc = await inventory.findOne({ _id: 'ev1:b' });
  expect(doc).toMatchObject({ available: 0, reserved: 3, holds: { 'order-1': 2, order_2: 1 } });
  await expect(
    inventory.countDocuments({ _id: 'ev1:b', $or: [{ 'holds.order-1': { $exists: true } }, { 'sales.order-1': { $exists: true } }] }),
  ).resolves.toBe(1);
  await expect(inventory.countDocuments({ _id: 'ev1:b', 'holds.nobody': { $exists: true } })).resolves.toBe(0);
});

// FerretDB v1 runs an update as read-then-write; tools/ferretdb/main.go serializes commands
// so that, as in MongoDB, a guarded single-document update is atomic under concurrency.
test('concurrent guarded holds never oversell: 50 requests for 10 seats take exactly 10', async () => {
  await inventory.insertOne({ _id: 'ev1:rush', available: 10, reserved: 0 });
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, n) =>
      inventory.updateOne(
        { _id: 'ev1:rush', available: { $gte: 1 }, [`holds.o${n}`]: { $exists: false } },
        { $inc: { available: -1, reserved: 1 }, $set: { [`holds.o${n}`]: 1 } },
      ),
    ),
  );
  expect(results.filter((r) => r.modifiedCount === 1)).toHaveLength(10);
  const doc = await inventory.findOne({ _id: 'ev1:rush' });
  expect(doc).toMatchObject({ available: 0, reserved: 10 });
  expect(Object.keys(doc!.holds!)).toHaveLength(10);
});

test('concurrent $inc on one document loses no update', async () => {
  await inventory.insertOne({ _id: 'ev1:count', available: 0, reserved: 0 });
  await Promise.all(Array.from({ length: 100 }, () => inventory.updateOne({ _id: 'ev1:count' }, { $inc: { available: 1 } })));
  await expect(inventory.findOne({ _id: 'ev1:count' })).resolves.toMatchObject({ available: 100 });
});

test('$unset of a dotted key removes only that hold, together with $inc and $set', async () => {
  await inventory.insertOne({ _id: 'ev1:c', available: 5, reserved: 3, sold: 0, holds: { keep: 1, sell: 2 } });
  const moved = await inventory.updateOne(
    { _id: 'ev1:c', 'holds.sell': { $exists: true } },
    { $inc: { reserved: -2, sold: 2 }, $unset: { 'holds.sell': '' }, $set: { 'sales.sell': 2 } },
  );
  expect(moved.modifiedCount).toBe(1);
  const doc = await inventory.findOne({ _id: 'ev1:c' }, { projection: { 'holds.keep': 1, 'holds.sell': 1, sales: 1, sold: 1 } });
  expect(doc).toEqual({ _id: 'ev1:c', holds: { keep: 1 }, sales: { sell: 2 }, sold: 2 });
});

test('upsert with $setOnInsert and $inc inserts once, then only increments', async () => {
  const outbox = fresh.db.collection<{ _id: string; to: string; attempts: number }>('outbox');
  const send = () =>
    outbox.updateOne({ _id: 'o1:confirmation' }, { $setOnInsert: { to: 'first' }, $inc: { attempts: 1 } }, { upsert: true });
  expect((await send()).upsertedCount).toBe(1);
  expect((await send()).upsertedCount).toBe(0);
  await expect(outbox.findOne({ _id: 'o1:confirmation' })).resolves.toEqual({ _id: 'o1:confirmation', to: 'first', attempts: 2 });
});

test('a status moves only from an allowed predecessor ($in) and history grows by $push', async () => {
  const orders = fresh.db.collection<{ _id: string; status: string; history: string[] }>('orders');
  await orders.insertOne({ _id: 'o2', status: 'pending', history: ['pending'] });
  const move = (status: string, from: string[]) =>
    orders.updateOne({ _id: 'o2', status: { $in: from } }, { $set: { status }, $push: { history: status } });
  expect((await move('completed', ['pending', 'awaiting_payment'])).modifiedCount).toBe(1);
  expect((await move('cancelled', ['pending', 'awaiting_payment'])).modifiedCount).toBe(0);
  await expect(orders.findOne({ _id: 'o2' })).resolves.toEqual({ _id: 'o2', status: 'completed', history: ['pending', 'completed'] });
});

test('a unique index rejects a duplicate with code 11000', async () => {
  const tickets = fresh.db.collection<{ code: string; orderId: string }>('tickets');
  await tickets.createIndex({ code: 1 }, { unique: true });
  await tickets.insertOne({ code: 'ABC-123', orderId: 'o1' });
  const duplicate = await tickets.insertOne({ code: 'ABC-123', orderId: 'o2' }).catch((err: unknown) => err);
  expect(duplicate).toBeInstanceOf(MongoServerError);
  expect((duplicate as MongoServerError).code).toBe(11000);
  await expect(tickets.countDocuments({ code: 'ABC-123' })).resolves.toBe(1);
});

test('a filter naming _id is answered from the _id index, not by scanning the collection', async () => {
  // FerretDB's explain reports SQLite's own query plan (src/stack/ferretdb-patch.ts says why it matters).
  await inventory.insertMany(Array.from({ length: 20 }, (_, n) => ({ _id: `scan:${n}`, available: n, reserved: 0 })));
  const plan = async (filter: object) => JSON.stringify(await inventory.find(filter).explain());
  expect(await plan({ _id: 'scan:7' })).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
  expect(await plan({ _id: 'scan:7', available: { $gte: 1 } })).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
  expect(await plan({ available: { $gte: 1 } })).toMatch(/SCAN /); // the check can tell the two apart
  await expect(inventory.findOne({ _id: 'scan:7', available: { $gte: 1 } })).resolves.toMatchObject({ available: 7 });
});

test('queries without a filter still work with the _id patch: aggregate, count, find all', async () => {
  // The patch once asked a missing filter whether it named _id, and FerretDB crashed on these.
  await inventory.insertMany([{ _id: 'all:1', available: 1, reserved: 0 }, { _id: 'all:2', available: 1, reserved: 1 }]);
  const groups = await inventory.aggregate<{ _id: number; n: number }>([{ $group: { _id: '$reserved', n: { $sum: 1 } } }]).toArray();
  expect(groups.length).toBeGreaterThanOrEqual(2);
  expect(await inventory.estimatedDocumentCount()).toBeGreaterThanOrEqual(2);
  expect((await inventory.find().toArray()).length).toBeGreaterThanOrEqual(2);
  await expect(inventory.findOne({ _id: 'all:2' })).resolves.toMatchObject({ reserved: 1 });
});

describe('filters on plain strings are asked of SQLite, answered from an index where there is one', () => {
  interface Event { _id: string; state: string | string[]; receivedAt: number; tag?: string }
  let inbox: Collection<Event>;
  const plan = async (filter: object) => JSON.stringify(await inbox.find(filter).explain());

  beforeAll(async () => {
    inbox = fresh.db.collection<Event>('inbox-pushdown');
    await inbox.createIndex({ state: 1, receivedAt: 1 });
    await inbox.insertMany(Array.from({ length: 30 }, (_, n) => ({ _id: `e${n}`, state: n % 3 === 0 ? 'recorded' : 'delivered', receivedAt: n })));
    await inbox.insertMany([
      { _id: 'array', state: ['refused', 'recorded'], receivedAt: 100 }, // MongoDB matches a string against an array holding it
      { _id: 'odd', state: 'a<b & "c"', receivedAt: 101 }, // not compared as JSON text (escaping differs), still found
    ]);
  });

  test('equality and $in search the index; a filter on another field still scans', async () => {
    expect(await plan({ state: 'recorded' })).toMatch(/SEARCH \S+ USING INDEX \S+state_1_receivedAt_1/);
    expect(await plan({ state: { $in: ['recorded', 'refused'] }, receivedAt: { $lte: 50 } })).toMatch(/USING INDEX \S+state_1_receivedAt_1/);
    expect(await plan({ receivedAt: { $lte: 50 } })).toMatch(/SCAN /);
  });

  test('every matching document is still found: arrays, $eq, $in with $or, counts and updates', async () => {
    const ids = async (filter: object) => (await inbox.find(filter, { sort: { receivedAt: 1 } }).toArray()).map((d) => d._id);
    expect(await ids({ state: 'recorded' })).toEqual(['e0', 'e3', 'e6', 'e9', 'e12', 'e15', 'e18', 'e21', 'e24', 'e27', 'array']);
    expect(await ids({ state: { $eq: 'refused' } })).toEqual(['array']);
    expect(await ids({ state: { $in: ['refused', 'nothing'] } })).toEqual(['array']);
    expect(await ids({ state: 'a<b & "c"' })).toEqual(['odd']);
    expect(await ids({ state: { $in: ['recorded', 'delivered'] }, $or: [{ receivedAt: 1 }, { receivedAt: 100 }] })).toEqual(['e1', 'array']);
    await expect(inbox.countDocuments({ state: 'delivered' })).resolves.toBe(20);
    await expect(inbox.updateMany({ state: 'recorded', receivedAt: { $gte: 20 } }, { $set: { tag: 'late' } })).resolves.toMatchObject({ modifiedCount: 4 });
    await expect(inbox.findOneAndUpdate({ state: 'refused' }, { $set: { tag: 'array' } })).resolves.toMatchObject({ _id: 'array' });
    await expect(inbox.countDocuments({ tag: { $exists: true } })).resolves.toBe(4);
  });
});
