/**
 * A command written in the instant after the server closed its connection (src/db/closed-connection-writes.ts).
 * Reproduced on a real FerretDB with the real driver: the next matching write meets a socket Node
 * has just destroyed, which answers with neither 'drain' nor 'error' (what Node does in that
 * instant). Without the workaround the write waits forever; with it, it fails like any write to a
 * closed connection, and the client recovers when the database is back.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { failWritesToClosedConnections, restoreDriverWrites } from '../../src/db/closed-connection-writes';
import { startMongoWireServer, type MongoWireServer } from '../../src/stack/mongo';
import { freePort } from '../../src/stack/ports';
import { ensureFerretDb } from '../../src/stack/tools';
import { eventually } from '../support/eventually';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closed-connection-writes-'));
let port: number;
let binaryPath: string;
let mongo: MongoWireServer | undefined;
const clients: MongoClient[] = [];
const originalWrite = net.Socket.prototype.write;

beforeAll(async () => {
  binaryPath = await ensureFerretDb(() => undefined);
  port = await freePort();
});
beforeEach(async () => {
  failWritesToClosedConnections();
  mongo = await startMongoWireServer({ dataDir, port, binaryPath, log: () => undefined });
});
afterEach(async () => {
  net.Socket.prototype.write = originalWrite;
  failWritesToClosedConnections();
  await Promise.all(clients.splice(0).map((c) => c.close(true)));
  await mongo?.stop();
  mongo = undefined;
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** The next write of a command named `name` meets a just-destroyed socket. */
function breakNextWrite(name: 'hello' | 'find'): { broken: () => boolean } {
  const used = new WeakSet<net.Socket>();
  let broken = false;
  net.Socket.prototype.write = function (this: net.Socket, chunk: unknown, ...rest: unknown[]) {
    // Every connection opens with a hello (its handshake): only a later one is a heartbeat.
    const established = name !== 'hello' || used.has(this);
    if (!broken && established && Buffer.isBuffer(chunk) && chunk.includes(`${name}\0`)) {
      broken = true;
      this.destroy(); // what Node did on the server's close; 'close' follows, never 'error' or 'drain'
      return false;
    }
    used.add(this);
    return (originalWrite as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof net.Socket.prototype.write;
  return { broken: () => broken };
}

async function connected() {
  // Small timings: the monitor checks twice a second, selection gives up after a second.
  const client = new MongoClient(`mongodb://127.0.0.1:${port}`, { serverSelectionTimeoutMS: 1_000, heartbeatFrequencyMS: 500 });
  clients.push(client);
  await client.connect();
  const orders = client.db('writes').collection<{ _id: string }>('orders');
  await orders.insertOne({ _id: `o-${Date.now()}` });
  return orders;
}

/** The monitor's heartbeat meets the closed socket; then the database is down and back. */
async function restartAfterBrokenHeartbeat(orders: Awaited<ReturnType<typeof connected>>) {
  const heartbeat = breakNextWrite('hello');
  await eventually(async () => heartbeat.broken(), (broken) => broken, 10_000);
  await mongo!.stop();
  // A failed operation marks the server unknown; only the monitor can mark it usable again.
  await expect(orders.findOne({})).rejects.toThrow();
  mongo = await startMongoWireServer({ dataDir, port, binaryPath, log: () => undefined });
}

test('without the workaround, the monitor hangs in its heartbeat and the client keeps failing after the database is back', async () => {
  restoreDriverWrites();
  const orders = await connected();
  await restartAfterBrokenHeartbeat(orders);
  // Nothing to await: the claim is that nothing changes. 5 s is ten monitor intervals.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  await expect(orders.findOne({})).rejects.toMatchObject({ name: 'MongoServerSelectionError' });
});

test('with it, the heartbeat fails like any write to a closed connection and the client recovers', async () => {
  const orders = await connected();
  await restartAfterBrokenHeartbeat(orders);
  await eventually(() => orders.findOne({}).then(() => 'ok', (err: Error) => err.message), (outcome) => outcome === 'ok', 15_000);
});

async function within(ms: number, operation: Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<string>((resolve) => (timer = setTimeout(resolve, ms, `still waiting after ${ms} ms`)));
  try {
    return await Promise.race([operation.then(() => 'answered', (err: Error) => err.name), waited]);
  } finally {
    clearTimeout(timer);
  }
}

test('without it, an operation whose write meets the closed socket waits forever', async () => {
  restoreDriverWrites();
  const orders = await connected();
  const write = breakNextWrite('find');
  await expect(within(3_000, orders.findOne({}))).resolves.toBe('still waiting after 3000 ms');
  expect(write.broken()).toBe(true);
});

test('with it, that write fails, and the driver retries the read on a fresh connection', async () => {
  const orders = await connected();
  const write = breakNextWrite('find');
  await expect(within(10_000, orders.findOne({}))).resolves.toBe('answered');
  expect(write.broken()).toBe(true);
});
