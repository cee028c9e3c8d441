/**
 * The seat protocol (activities/seat-ledger.ts) against real FerretDB: a run stopped after each
 * of its steps and then re-run, duplicates running at once or late, the last seats rushed, the
 * keys the code before seatHolds wrote, and the inventory document's size.
 */
import { BSON, type Db } from 'mongodb';
import pino from 'pino';
import { createActivities } from '../../activities';
import type { ActivityDeps } from '../../activities/deps';
import { createSeatLedger, type SeatLedger, type Step } from '../../activities/seat-ledger';
import { collections, ensureIndexes } from '../../src/db/mongo';
import { inventoryId, seatHoldId, type InventoryDoc, type SeatHoldDoc } from '../../src/db/schema';
import type { PricedItem } from '../../src/domain/checkout';
import { freshDb, testServers } from '../support/servers';

let db: Db;
let drop: () => Promise<void>;
let activities: ReturnType<typeof createActivities>;
let ledger: SeatLedger;

beforeAll(async () => {
  ({ db, cleanup: drop } = await freshDb(testServers().mongoUri));
  await ensureIndexes(db);
  const deps = { store: collections(db), log: pino({ level: 'silent' }) } as unknown as ActivityDeps;
  activities = createActivities(deps);
  ledger = createSeatLedger(collections(db));
});
afterAll(() => drop());

const store = () => collections(db);
async function seed(eventId: string, capacity: number, extra: Partial<InventoryDoc> = {}) {
  await store().inventory.insertOne({
    _id: inventoryId(eventId, 'gen'), eventId, ticketTypeId: 'gen', capacity, available: capacity, reserved: 0, sold: 0, revenue: 0, ...extra,
  });
}
const counters = async (eventId: string) => (await store().inventory.findOne({ _id: inventoryId(eventId, 'gen') }, { projection: { _id: 0, available: 1, reserved: 1, sold: 1, revenue: 1, pending: 1, pendingRuns: 1 } }))!;
const seatDoc = async (eventId: string, orderId: string) => (await store().seatHolds.findOne({ _id: seatHoldId(eventId, 'gen', orderId) }))!;
const order = (eventId: string, orderId: string, quantity = 2) => ({ orderId, eventId, items: [{ ticketTypeId: 'gen', quantity, name: 'gen', unitPrice: 1000 } as PricedItem] });
const clean = { pending: [], pendingRuns: [] };

/** What a run of `step` did before it crashed: its first `steps` steps (1 begin, 2 claim, 3 commit). */
async function crashedRun(eventId: string, orderId: string, step: Step, steps: number) {
  let doc = await seatDoc(eventId, orderId);
  if (step === 'hold' && !doc) {
    doc = { _id: seatHoldId(eventId, 'gen', orderId), eventId, ticketTypeId: 'gen', orderId, quantity: 2, unitPrice: 0, state: 'holding', round: 1, applied: {}, updatedAt: new Date() };
    await store().seatHolds.insertOne(doc);
  } else {
    const set: Partial<SeatHoldDoc> = step === 'sell' ? { unitPrice: 1000 } : step === 'release' ? { releasedFrom: doc.state as 'held' | 'sold' } : {};
    await ledger.begin(doc, step, set);
  }
  doc = await ledger.reload(doc);
  if (steps >= 2) expect(await ledger.claim(doc, step, 'crashed')).toBe(true);
  if (steps >= 3) await ledger.commit(doc, step, 'crashed');
}

describe.each([1, 2, 3])('a run that crashed after step %i, then re-run', (steps) => {
  test('hold: the seats are taken once', async () => {
    const ev = `hold${steps}`;
    await seed(ev, 5);
    await crashedRun(ev, 'o', 'hold', steps);
    await activities.holdSeats(order(ev, 'o'));
    expect(await counters(ev)).toEqual({ available: 3, reserved: 2, sold: 0, revenue: 0, ...clean });
    expect(await seatDoc(ev, 'o')).toMatchObject({ state: 'held', quantity: 2, applied: { hold1: steps >= 2 ? 'crashed' : expect.any(String) } });
  });

  test('sell: sold and booked once', async () => {
    const ev = `sell${steps}`;
    await seed(ev, 5);
    await activities.holdSeats(order(ev, 'o'));
    await crashedRun(ev, 'o', 'sell', steps);
    await activities.sellSeats(order(ev, 'o'));
    expect(await counters(ev)).toEqual({ available: 3, reserved: 0, sold: 2, revenue: 2000, ...clean });
    expect(await seatDoc(ev, 'o')).toMatchObject({ state: 'sold', unitPrice: 1000 });
  });

  test.each(['held', 'sold'] as const)('release of seats %s: given back once', async (from) => {
    const ev = `rel${steps}${from}`;
    await seed(ev, 5);
    await activities.holdSeats(order(ev, 'o'));
    if (from === 'sold') await activities.sellSeats(order(ev, 'o'));
    await crashedRun(ev, 'o', 'release', steps);
    await activities.releaseSeats(order(ev, 'o'));
    expect(await counters(ev)).toEqual({ available: 5, reserved: 0, sold: 0, revenue: 0, ...clean });
    expect(await seatDoc(ev, 'o')).toMatchObject({ state: 'released', releasedFrom: from });
  });
});

test('a hold whose run crashed is given back by the release, not re-held first', async () => {
  await seed('abort', 5);
  await crashedRun('abort', 'o', 'hold', 1); // intent only: no seats were taken
  await activities.releaseSeats(order('abort', 'o'));
  expect(await counters('abort')).toEqual({ available: 5, reserved: 0, sold: 0, revenue: 0 });
  expect(await seatDoc('abort', 'o')).toMatchObject({ state: 'refused' });
});

test.each(['hold', 'sell', 'release'] as const)('a duplicate %s that claims after the first run finished gives its claim back', async (step) => {
  const ev = `late-${step}`;
  await seed(ev, 5);
  if (step !== 'hold') await activities.holdSeats(order(ev, 'o'));
  if (step === 'release') await activities.sellSeats(order(ev, 'o'));
  // The duplicate read the intent while the first run was at it…
  await crashedRun(ev, 'o', step, 1);
  const stale = await seatDoc(ev, 'o');
  const expected = { hold: { available: 3, reserved: 2, sold: 0, revenue: 0 }, sell: { available: 3, reserved: 0, sold: 2, revenue: 2000 }, release: { available: 5, reserved: 0, sold: 0, revenue: 0 } }[step];
  // …the first run finished…
  if (step === 'hold') await activities.holdSeats(order(ev, 'o'));
  if (step === 'sell') await activities.sellSeats(order(ev, 'o'));
  if (step === 'release') await activities.releaseSeats(order(ev, 'o'));
  expect(await counters(ev)).toEqual({ ...expected, ...clean });
  // …and only then does the duplicate claim.
  const after = await ledger.advance(stale, step, 'zombie');
  expect(after).toMatchObject({ state: { hold: 'held', sell: 'sold', release: 'released' }[step] });
  expect(await counters(ev)).toEqual({ ...expected, ...clean });
});

test('a duplicate hold that claims after another run was refused gives the seats back', async () => {
  await seed('refused', 2);
  await crashedRun('refused', 'o', 'hold', 1);
  const stale = await seatDoc('refused', 'o');
  await store().inventory.updateOne({ _id: inventoryId('refused', 'gen') }, { $inc: { available: -2, reserved: 2 } }); // someone else's hold
  await expect(activities.holdSeats(order('refused', 'o'))).rejects.toMatchObject({ type: 'SoldOut' });
  await store().inventory.updateOne({ _id: inventoryId('refused', 'gen') }, { $inc: { available: 2, reserved: -2 } }); // released
  await ledger.advance(stale, 'hold', 'zombie');
  expect(await counters('refused')).toEqual({ available: 2, reserved: 0, sold: 0, revenue: 0, ...clean });
  expect(await seatDoc('refused', 'o')).toMatchObject({ state: 'refused' });
});

test('two runs of each activity at once for one order, twenty orders: every count exact', async () => {
  await seed('twice', 100);
  const twice = (fn: () => Promise<void>) => Promise.all([fn(), fn()]);
  const orders = Array.from({ length: 20 }, (_, n) => order('twice', `o${n}`, 1 + (n % 3)));
  await Promise.all(orders.map((o) => twice(() => activities.holdSeats(o))));
  await Promise.all(orders.slice(0, 12).map((o) => twice(() => activities.sellSeats(o))));
  await Promise.all(orders.slice(8).map((o) => twice(() => activities.releaseSeats(o)))); // o8–o11: refunds
  const qty = (from: number, to: number) => orders.slice(from, to).reduce((sum, o) => sum + o.items[0].quantity, 0);
  expect(await counters('twice')).toEqual({ available: 100 - qty(0, 8), reserved: 0, sold: qty(0, 8), revenue: qty(0, 8) * 1000, ...clean });
  expect(await store().seatHolds.countDocuments({ eventId: 'twice', state: 'sold' })).toBe(8);
  expect(await store().seatHolds.countDocuments({ eventId: 'twice', state: 'released' })).toBe(12);
});

test('60 orders rush the last 7 seats (1–2 each, each asked twice at once): never oversold, held seats = reserved', async () => {
  await seed('last', 7);
  const orders = Array.from({ length: 60 }, (_, n) => order('last', `o${n}`, 1 + (n % 2)));
  const results = await Promise.allSettled(orders.flatMap((o) => [activities.holdSeats(o), activities.holdSeats(o)]));
  const refused = results.filter((r) => r.status === 'rejected');
  expect(refused.every((r) => (r as PromiseRejectedResult).reason.type === 'SoldOut')).toBe(true);
  const held = await store().seatHolds.find({ eventId: 'last', state: 'held' }).toArray();
  const heldSeats = held.reduce((sum, doc) => sum + doc.quantity, 0);
  const { available, reserved } = await counters('last');
  expect(available).toBeGreaterThanOrEqual(0);
  expect(heldSeats).toBeGreaterThan(0);
  expect({ available, reserved }).toEqual({ available: 7 - heldSeats, reserved: heldSeats });
  expect(await store().seatHolds.countDocuments({ eventId: 'last' })).toBe(60);
});

test('holds and sales the code before seatHolds left in the inventory document are honoured, then gone', async () => {
  await seed('legacy', 10, { available: 5, reserved: 3, sold: 2, revenue: 2000, holds: { kept: 2, dropped: 1 }, sales: { refunded: 2 } });
  await activities.holdSeats(order('legacy', 'kept')); // a hold retried across the deploy takes nothing more
  await activities.sellSeats(order('legacy', 'kept'));
  await activities.releaseSeats(order('legacy', 'dropped', 1));
  await activities.releaseSeats(order('legacy', 'refunded'));
  const doc = (await store().inventory.findOne({ _id: inventoryId('legacy', 'gen') }))!;
  expect(doc).toMatchObject({ available: 8, reserved: 0, sold: 2, revenue: 2000, holds: {}, sales: { kept: 2 } });
  expect(await store().seatHolds.countDocuments({ eventId: 'legacy' })).toBe(0);
  await activities.releaseSeats(order('legacy', 'kept')); // a refund of the sale made through the old keys
  expect(await store().inventory.findOne({ _id: inventoryId('legacy', 'gen') })).toMatchObject({ available: 10, sold: 0, revenue: 0, sales: {} });
});

test('the inventory document stays the same size after 500 orders (no key per order)', async () => {
  await seed('size', 1000);
  const run = async (from: number, to: number) => {
    for (let n = from; n < to; n += 25) {
      await Promise.all(Array.from({ length: Math.min(25, to - n) }, async (_, i) => {
        const o = order('size', `o${n + i}`, 1);
        await activities.holdSeats(o);
        if ((n + i) % 2 === 0) await activities.sellSeats(o);
        if ((n + i) % 5 === 0) await activities.releaseSeats(o);
      }));
    }
  };
  await run(0, 10);
  const sizeAfter10 = BSON.calculateObjectSize((await store().inventory.findOne({ _id: inventoryId('size', 'gen') }))!);
  await run(10, 500);
  const doc = (await store().inventory.findOne({ _id: inventoryId('size', 'gen') }))!;
  expect(BSON.calculateObjectSize(doc)).toBe(sizeAfter10);
  expect(Object.keys(doc).sort()).toEqual(['_id', 'available', 'capacity', 'eventId', 'pending', 'pendingRuns', 'reserved', 'revenue', 'sold', 'ticketTypeId']);
  expect(doc).toMatchObject({ available: 1000 - 400, reserved: 200, sold: 200, ...clean });
  expect(await store().seatHolds.countDocuments({ eventId: 'size' })).toBe(500);
});
