/** Embedded MongoDB-wire server: FerretDB on SQLite files under `dataDir` (see tools/ferretdb/). */
import fs from 'node:fs';
import { spawnManaged, waitUntilReady } from './child';
import { ensureFerretDb, type ToolLog } from './tools';

export interface MongoWireServerOptions {
  dataDir: string;
  /** 0 or omitted: the server binds a free port itself and reports it (no race with freePort()). */
  port?: number;
  /** Path of the ferretdb binary; built/cached with ensureFerretDb() when omitted. */
  binaryPath?: string;
  log?: ToolLog;
  startTimeoutMs?: number;
  /** Also appends the server's own output, and its exit, to this file. */
  outputFile?: string;
}

export interface MongoWireServer {
  uri: string;
  stop(): Promise<void>;
}

export async function startMongoWireServer(opts: MongoWireServerOptions): Promise<MongoWireServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[mongo] ${line}\n`));
  const binary = opts.binaryPath ?? (await ensureFerretDb(log));
  fs.mkdirSync(opts.dataDir, { recursive: true });

  const server = spawnManaged('ferretdb', binary, [
    '--listen-addr',
    `127.0.0.1:${opts.port ?? 0}`,
    '--data-dir',
    opts.dataDir,
    '--log-level',
    'warn',
  ], { outputFile: opts.outputFile });
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  try {
    // tools/ferretdb/main.go prints this once the listener is bound, with the real port.
    const [, port] = await server.waitForLine(/^ferretdb ready mongodb:\/\/[^:]+:(\d+)/, timeoutMs);
    const uri = `mongodb://127.0.0.1:${port}`;
    await waitUntilReady(server, `MongoDB-wire server (FerretDB) on ${uri}`, () => ping(uri), timeoutMs);
    return { uri, stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function ping(uri: string): Promise<void> {
  // Loaded here, once the server is launched: `npm start` loads it while the servers boot.
  const { MongoClient } = await import('mongodb');
  // Asked once the server printed its ready line, so a long wait is no dead server: it is this
  // process busy loading modules (npm start), whose late timers must not fail a good answer.
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, connectTimeoutMS: 10_000 });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}
