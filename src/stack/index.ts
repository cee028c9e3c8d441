/**
 * The embedded "real parts" stack for `npm start`: a real Temporal server, a MongoDB-wire
 * server and an SMTP capture, each started only when the configuration does not point elsewhere.
 */
import path from 'node:path';
import type { Config } from '../config';
import { startMongoWireServer } from './mongo';
import { DEFAULT_PORTS, requireFreePort } from './ports';
import { startSmtpCapture } from './smtp';
import { startTemporalDevServer } from './temporal';

export interface EmbeddedStack {
  temporalAddress: string;
  temporalUiUrl?: string;
  mongoUri: string;
  smtpUrl: string;
  /** Set when the SMTP capture runs: where its .eml files are (for mailOutboxRouter). */
  mailDir?: string;
  /** How long each embedded part took to be ready (ms), for the start-up summary. */
  readyMs: Record<string, number>;
  stop(): Promise<void>;
}

export interface StackLog {
  info(msg: string): void;
}

export interface StackOptions {
  /** Free ports instead of the well-known defaults (e.g. an end-to-end test running main). */
  freePorts?: boolean;
  /** Where the embedded Temporal UI decodes encrypted payloads: the API's `/codec`. */
  uiCodecEndpoint?: string;
  /** Called once the servers are launched, while they boot in their own processes (e.g. to load modules meanwhile). */
  whileBooting?: () => void;
}

interface Part {
  name: string;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(config: Config, log: StackLog, opts: StackOptions = {}): Promise<EmbeddedStack> {
  const toolLog = (line: string) => log.info(line);
  // 0: any free port, bound by the server itself (a port picked here could be taken before it binds).
  const port = (fixed: number, what: string, hint: string) =>
    opts.freePorts ? Promise.resolve(0) : requireFreePort(fixed, what, hint);
  const started: Part[] = [];
  const result: Partial<EmbeddedStack> = {
    temporalAddress: config.temporal.address,
    mongoUri: config.mongo.uri,
    smtpUrl: config.smtp.url,
  };

  // Ports are checked before anything starts, so a conflict costs no start-up time.
  const temporalHint = 'set TEMPORAL_ADDRESS to use a running Temporal server';
  const [temporalPort, uiPort, mongoPort, smtpPort] = await Promise.all([
    config.temporal.address ? undefined : port(DEFAULT_PORTS.temporal, 'Temporal server', temporalHint),
    config.temporal.address ? undefined : port(DEFAULT_PORTS.temporalUi, 'Temporal Web UI', temporalHint),
    config.mongo.uri ? undefined : port(DEFAULT_PORTS.mongo, 'MongoDB-wire server', 'set MONGODB_URI to use a running MongoDB'),
    config.smtp.url ? undefined : port(DEFAULT_PORTS.smtp, 'SMTP capture', 'set SMTP_URL to use a running SMTP server'),
  ]);

  // The three start side by side: the first run fetches/builds tools, which takes minutes.
  const tasks: Promise<void>[] = [];
  const since = Date.now();
  const readyMs: Record<string, number> = {};
  const ready = (name: string) => (readyMs[name] = Date.now() - since);
  if (temporalPort !== undefined) {
    tasks.push(
      startTemporalDevServer({
        dataDir: path.join(config.dataDir, 'temporal'),
        port: temporalPort || undefined, // undefined: it picks, and picks again if one is taken
        uiPort: uiPort || undefined,
        uiCodecEndpoint: opts.uiCodecEndpoint,
        namespace: config.temporal.namespace,
        log: toolLog,
      }).then((t) => {
        started.push({ name: 'temporal', stop: t.stop });
        ready('temporal');
        result.temporalAddress = t.address;
        result.temporalUiUrl = t.uiUrl;
        log.info(`embedded Temporal server on ${t.address}${t.uiUrl ? `, Web UI ${t.uiUrl}` : ''}`);
      }),
    );
  }
  if (mongoPort !== undefined) {
    tasks.push(
      startMongoWireServer({ dataDir: path.join(config.dataDir, 'mongo'), port: mongoPort, log: toolLog }).then((m) => {
        started.push({ name: 'mongo', stop: m.stop });
        ready('mongo');
        result.mongoUri = m.uri;
        log.info(`embedded MongoDB-wire server (FerretDB) on ${m.uri}`);
      }),
    );
  }
  if (smtpPort !== undefined) {
    const mailDir = path.join(config.dataDir, 'mail');
    tasks.push(
      startSmtpCapture({ dir: mailDir, port: smtpPort }).then((s) => {
        started.push({ name: 'smtp', stop: s.stop });
        ready('smtp');
        result.smtpUrl = s.url;
        result.mailDir = mailDir;
        log.info(`embedded SMTP capture on ${s.url}, messages in ${mailDir}`);
      }),
    );
  }

  // Stops in reverse order of start: SMTP, then MongoDB, then Temporal (workers drain first).
  const order = ['smtp', 'mongo', 'temporal'];
  const stopAll = async () => {
    const parts = [...started].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    started.length = 0;
    for (const part of parts) await part.stop().catch(() => undefined);
  };

  // After the microtasks that spawn the servers: what it does then runs beside their boot.
  if (opts.whileBooting) setImmediate(opts.whileBooting);
  const outcomes = await Promise.allSettled(tasks);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }

  return {
    temporalAddress: result.temporalAddress!,
    temporalUiUrl: result.temporalUiUrl,
    mongoUri: result.mongoUri!,
    smtpUrl: result.smtpUrl!,
    mailDir: result.mailDir,
    readyMs,
    stop: stopAll,
  };
}
