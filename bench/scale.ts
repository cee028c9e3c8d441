/**
 * Past one process: the same card checkouts against one API + one worker, then two of each on
 * the same servers (the relay spreads requests over the APIs), and a count of what every order
 * got — exactly one completion, one ticket, one confirmation, one seat sold each.
 */
import fs from 'node:fs';
import { MongoClient } from 'mongodb';
import type { Relay } from './relay';
import { startSplit, type Service } from './service';
import { cardCheckout, createEvent } from './shop';
import { until } from './stats';
import { measure, type Throughput } from './throughput';

export interface ScaleRun {
  apis: number;
  workers: number;
  run: Throughput;
  exactlyOnce: boolean;
  detail: string;
}

export async function scaleRun(dir: string, relay: Relay, shape: { apis: number; workers: number }, concurrency: number, count: number): Promise<ScaleRun> {
  const service = await startSplit(dir, relay.url, shape);
  relay.setTargets(service.apis);
  try {
    await createEvent(relay.url, 'scale', count * 2);
    await measure(8, 16, (i) => cardCheckout(relay.url, 'scale', `warm-${i}`));
    const run = await measure(concurrency, count, (i) => cardCheckout(relay.url, 'scale', `s-${i}`));
    return { ...shape, run, ...(await audit(service, count + 16)) };
  } finally {
    await service.stop();
  }
}

/** Every order once: completed, one ticket, one confirmation mail, seats sold = orders (mails go out just after completion: awaited). */
async function audit(service: Service, orders: number): Promise<{ exactlyOnce: boolean; detail: string }> {
  const mongo = await MongoClient.connect(service.mongoUri);
  try {
    const db = mongo.db('checkout');
    const count = async () => {
      // What the SMTP server received: one message per mail.
      const mailDir = service.stack?.mailDir;
      const delivered = mailDir && fs.existsSync(mailDir) ? fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')).length : -1;
      const seats = await db.collection('inventory').findOne({ eventId: 'scale' });
      return {
        completed: await db.collection('orders').countDocuments({ status: 'completed' }),
        tickets: await db.collection('tickets').countDocuments({}),
        confirmations: await db.collection('emails').countDocuments({ kind: 'order_confirmation', state: 'sent' }),
        delivered,
        sold: Number(seats?.sold ?? -1),
      };
    };
    const all = (c: Awaited<ReturnType<typeof count>>) => Object.values(c).every((n) => n === orders);
    const c = await until(count, (c) => all(c) || Object.values(c).some((n) => n > orders), 60_000, 500).catch(count);
    const detail = `${c.completed} completed, ${c.tickets} tickets, ${c.confirmations} confirmations (${c.delivered} mails received), ${c.sold} seats sold for ${orders} orders`;
    return { exactlyOnce: all(c), detail };
  } finally {
    await mongo.close();
  }
}
