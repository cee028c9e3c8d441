/**
 * Time per holdSeats with few or many orders already holding seats of the ticket type: the code
 * before seatHolds (a hold is a key of the inventory document, as in commit f96a2d1) against
 * seatHolds. Its own FerretDB; sequential holds, so it measures cost per operation, not
 * contention.
 *   npx tsc -p tsconfig.bench.json --outDir var/seat-bench && node var/seat-bench/bench/seat-holds.js [existing…]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { createSeatActivities } from '../activities/seats';
import type { ActivityDeps } from '../activities/deps';
import { collections, ensureIndexes, type Store } from '../src/db/mongo';
import { inventoryId, seatHoldId, type SeatHoldDoc } from '../src/db/schema';
import { startMongoWireServer } from '../src/stack/mongo';

const HOLDS = 200;
const CAPACITY = 1_000_000;

/** The old holdOne's update (the common case: it takes the seats). */
async function oldHold(store: Store, eventId: string, orderId: string) {
  await store.inventory.updateOne(
    { _id: inventoryId(eventId, 'gen'), available: { $gte: 1 }, [`holds.${orderId}`]: { $exists: false }, [`sales.${orderId}`]: { $exists: false } },
    { $inc: { available: -1, reserved: 1 }, $set: { [`holds.${orderId}`]: 1 } },
  );
}

async function seed(store: Store, eventId: string, existing: number, old: boolean) {
  const ids = Array.from({ length: existing }, (_, n) => `pre${n}`);
  const counters = { _id: inventoryId(eventId, 'gen'), eventId, ticketTypeId: 'gen', capacity: CAPACITY, available: CAPACITY - existing, reserved: existing, sold: 0, revenue: 0 };
  if (old) return void (await store.inventory.insertOne({ ...counters, holds: Object.fromEntries(ids.map((id) => [id, 1])), sales: {} }));
  await store.inventory.insertOne({ ...counters, pending: [], pendingRuns: [] });
  const held = (orderId: string): SeatHoldDoc => ({ _id: seatHoldId(eventId, 'gen', orderId), eventId, ticketTypeId: 'gen', orderId, quantity: 1, unitPrice: 0, state: 'held', round: 1, applied: { hold1: 'seed' }, updatedAt: new Date() });
  for (let n = 0; n < ids.length; n += 1000) await store.seatHolds.insertMany(ids.slice(n, n + 1000).map(held));
}

async function main() {
  const existingCounts = process.argv.slice(2).map(Number);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seat-bench-'));
  const server = await startMongoWireServer({ dataDir });
  const client = await new MongoClient(server.uri).connect();
  try {
    const db = client.db('seatbench');
    await ensureIndexes(db);
    const store = collections(db);
    const seats = createSeatActivities({ store, log: pino({ level: 'silent' }) } as unknown as ActivityDeps);
    for (const existing of existingCounts.length ? existingCounts : [10, 5000]) {
      for (const old of [true, false]) {
        const eventId = `${old ? 'old' : 'new'}${existing}`;
        await seed(store, eventId, existing, old);
        const times: number[] = [];
        for (let n = 0; n < HOLDS; n++) {
          const started = performance.now();
          if (old) await oldHold(store, eventId, `o${n}`);
          else await seats.holdSeats({ orderId: `o${n}`, eventId, items: [{ ticketTypeId: 'gen', quantity: 1 }] });
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        const mean = times.reduce((a, b) => a + b, 0) / times.length;
        const at = (q: number) => times[Math.floor(q * (times.length - 1))].toFixed(2);
        console.log(`${old ? 'old' : 'new'} code, ${existing} holds before: ${HOLDS} holds, mean ${mean.toFixed(2)} ms, median ${at(0.5)}, p95 ${at(0.95)}`);
      }
    }
  } finally {
    await client.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
