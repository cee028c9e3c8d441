/**
 * P3: many konbini checkouts waiting at once (slips taken, nobody pays), each process's memory
 * while they wait, then the drain when their deadlines pass: every order expired, every seat back.
 */
import { MongoClient } from 'mongodb';
import type { Service } from './service';
import { processesNamed, treeRss } from './service';
import { createEvent, konbiniSlip } from './shop';
import { pool, until } from './stats';

export interface WaitingResult {
  count: number;
  /** How many were waiting at once when memory was measured (all of them unless creation outran the deadlines). */
  waiting: number;
  createdPerSecond: number;
  /** Each kind of process just before the first deadline, all of them waiting and the creation over. */
  rss: Record<string, number>;
  /** The worker's largest RSS while the slips were being taken (sampled each second). */
  workerPeak: number;
  drainSeconds: number;
  statuses: Record<string, number>;
  seats: { available: number; reserved: number; sold: number; capacity: number };
}

const EVENT = 'p3';

export async function manyWaiting(service: Service, api: string, count: number, say: (line: string) => void): Promise<WaitingResult> {
  await createEvent(api, EVENT, count);
  const mongo = await MongoClient.connect(service.mongoUri);
  const orders = mongo.db('checkout').collection<{ _id: string; status: string }>('orders');
  try {
    // Every slip falls due at about the same moment, once all of them are out: the deadline
    // aims at the expected end of the creation plus a margin, re-estimated as it goes. The first
    // 200 set the earliest deadline, so they assume a slow 4/s (assuming 14/s, then 8/s, 10,000
    // slips taken at 10/s and at 5.6/s began to expire before the last was out).
    const started = Date.now();
    const workerRss = () => sum(service.procs.filter((p) => p.name.startsWith('worker')).map((p) => p.rss()));
    let workerPeak = workerRss();
    const sampler = setInterval(() => (workerPeak = Math.max(workerPeak, workerRss())), 1000);
    let done = 0;
    let earliestDue = Infinity;
    await pool(count, 48, async (i) => {
      const perMs = done >= 200 ? (Date.now() - started) / done : 250;
      const dueAt = Math.max(earliestDue === Infinity ? 0 : earliestDue, started + perMs * count * 1.3 + 60_000);
      const seconds = Math.max(30, Math.ceil((dueAt - Date.now()) / 1000));
      earliestDue = Math.min(earliestDue, Date.now() + seconds * 1000);
      await konbiniSlip(api, EVENT, `slip-${i}`, seconds);
      if (++done % 1000 === 0) say(`  ${done} slips taken`);
    }).finally(() => clearInterval(sampler));
    const createdPerSecond = count / ((Date.now() - started) / 1000);
    const waiting = await until(() => orders.countDocuments({ status: 'awaiting_payment' }), (n) => n === count || Date.now() > earliestDue, 900_000, 1000);
    // What waiting costs, not what taking the slips did: measured in the quiet before the deadlines.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, earliestDue - 5_000 - Date.now())));
    const rss = {
      worker: workerRss(),
      api: sum(service.procs.filter((p) => p.name.startsWith('api')).map((p) => p.rss())),
      database: sum(processesNamed(/^ferretdb/).map(treeRss)),
      temporal: sum(processesNamed(/^temporal$/).map(treeRss)),
    };
    say(`  ${waiting} waiting at once; the first deadline passes at ${new Date(earliestDue).toISOString().slice(11, 19)}`);
    const drainFrom = Math.max(Date.now(), earliestDue);
    const statuses = await until(
      async () => Object.fromEntries((await orders.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray()).map((g) => [g._id, g.n])),
      (s) => (s.expired ?? 0) + (s.completed ?? 0) + (s.cancelled ?? 0) === count,
      // A drain runs at a few per second here: 10,000 may take half an hour, not a failure.
      Math.max(900_000, count * 250),
      // Counting scans every order on FerretDB: not so often that the count slows the drain.
      Math.min(10_000, Math.max(2000, count)),
    );
    const drainSeconds = (Date.now() - drainFrom) / 1000;
    const event = (await (await fetch(`${api}/events/${EVENT}`)).json()) as { ticketTypes: Array<{ available: number; reserved: number; sold: number; capacity: number }> };
    return { count, waiting, createdPerSecond, rss, workerPeak, drainSeconds, statuses, seats: event.ticketTypes[0] };
  } finally {
    await mongo.close();
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
