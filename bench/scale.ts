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

/** Every order once: completed, one ticket, one confirmation mail, seats sold = orders. */
async function audit(service: Service, orders: number): Promise<{ exactlyOnce: boolean; detail: string }> {
  const mongo = await MongoClient.connect(service.mongoUri);
  try {
    const db = mongo.db('checkout');
    const completed = await db.collection('orders').countDocuments({ status: 'completed' });
    const tickets = await db.collection('tickets').countDocuments({});
    const confirmations = await db.collection('emails').countDocuments({ kind: 'order_confirmation', state: 'sent' });
    const seats = await db.collection('inventory').findOne({ eventId: 'scale' });
    const sold = Number(seats?.sold ?? -1);
    // What the SMTP server received: one message per mail.
    const delivered = service.stack?.mailDir && fs.existsSync(service.stack.mailDir) ? fs.readdirSync(service.stack.mailDir).filter((f) => f.endsWith('.eml')).length : -1;
    const detail = `${completed} completed, ${tickets} tickets, ${confirmations} confirmations (${delivered} mails received), ${sold} seats sold for ${orders} orders`;
    return { exactlyOnce: [completed, tickets, confirmations, delivered, sold].every((n) => n === orders), detail };
  } finally {
    await mongo.close();
  }
}
