import { Db, MongoClient } from 'mongodb';
import { failWritesToClosedConnections } from './closed-connection-writes';
import type { EventDoc, InventoryDoc, OrderDoc, TicketDoc, EmailDoc, InboxDoc, SeatHoldDoc } from './schema';


/** Typed handles on every collection the service owns. */
export function collections(db: Db) {
  return {
    events: db.collection<EventDoc>('events'),
    inventory: db.collection<InventoryDoc>('inventory'),
    seatHolds: db.collection<SeatHoldDoc>('seatHolds'),
    orders: db.collection<OrderDoc>('orders'),
    tickets: db.collection<TicketDoc>('tickets'),
    emails: db.collection<EmailDoc>('emails'),
    inbox: db.collection<InboxDoc>('webhook_inbox'),
  };
}
export type Store = ReturnType<typeof collections>;

/** A write refused because a document with that key exists: for inserts that double as "only once". */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

export async function connectMongo(uri: string, dbName: string): Promise<{ client: MongoClient; db: Db }> {
  if (!failWritesToClosedConnections()) process.emitWarning('mongodb driver changed: the closed-connection write workaround is not installed (see src/db/closed-connection-writes.ts)');
  // Short server selection so an unreachable database fails readiness checks fast; operations retry.
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  return { client, db: client.db(dbName) };
}

/** Idempotent: run by every process at start. */
export async function ensureIndexes(db: Db): Promise<void> {
  const c = collections(db);
  await c.inventory.createIndex({ eventId: 1 });
  // An order's seats, for operators and reconciliation (the seat operations go by _id).
  await c.seatHolds.createIndex({ orderId: 1 });
  await c.orders.createIndex({ status: 1, createdAt: -1 });
  await c.orders.createIndex({ 'payment.reference': 1 });
  await c.tickets.createIndex({ code: 1 }, { unique: true });
  await c.tickets.createIndex({ orderId: 1 });
  await c.inbox.createIndex({ orderId: 1 });
  // The relay's query: what is due, oldest first.
  await c.inbox.createIndex({ state: 1, receivedAt: 1 });
}
