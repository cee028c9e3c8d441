/** Builds the API and the worker from configuration; shared by every entry point and the tests. */
import type { Server } from 'node:http';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Router } from 'express';
import type { Db, MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { paced } from './api/paced';
import { createApp } from './app';
import type { Config } from './config';
import { collections, connectMongo, ensureIndexes } from './db/mongo';
import { createMailer, type Mailer } from './mail/mailer';
import { createMetrics, type Metrics } from './metrics';
import { createProviders } from './providers';
import { startSandboxes } from './sandbox';
import { Checkouts, connectTemporal } from './temporal/client';
import { openPayloadEncryption } from './temporal/payload-keys';
import { sdkLogs } from './temporal/sdk-logs';
import { sdkMetrics } from './temporal/sdk-metrics';
import { prepareTemporalRuntime } from './temporal/telemetry';
import { createCheckoutWorker, type CheckoutWorkerOptions } from './temporal/worker';

export interface Endpoints {
  temporalAddress: string;
  mongoUri: string;
  smtpUrl: string;
}

export async function openDatabase(config: Config, mongoUri: string): Promise<{ client: MongoClient; db: Db }> {
  const mongo = await connectMongo(mongoUri, config.mongo.db);
  await ensureIndexes(mongo.db);
  return mongo;
}

export interface RunningApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export interface ApiOptions {
  /** Extra routers, such as the mail outbox under `npm start`. */
  mounts?: Array<[string, Router]>;
  /** Shared with a worker in the same process, so `/metrics` shows its counters too. */
  metrics?: Metrics;
}

/** The HTTP API, plus the built-in KOMOJU sandbox when it serves KOMOJU (never beside a real KOMOJU_API_URL). */
export async function startApi(config: Config, endpoints: Pick<Endpoints, 'temporalAddress' | 'mongoUri'>, log: Logger, options: ApiOptions = {}): Promise<RunningApi> {
  const { client: mongo, db } = await openDatabase(config, endpoints.mongoUri);
  const codec = openPayloadEncryption(config)?.codec;
  const temporal = await connectTemporal(endpoints.temporalAddress, config.temporal.namespace, codec);
  const checkouts = new Checkouts(temporal, config.temporal.taskQueue);
  const sandboxes = startSandboxes(config, db, log);
  const mounts: Array<[string, Router]> = [...sandboxes.mounts, ...(options.mounts ?? [])];
  const metrics = options.metrics ?? createMetrics();
  const { app, inbox } = createApp({ config, db, checkouts, providers: createProviders(config, metrics), metrics, log, mounts, codec });

  // The relay also runs on a timer: for events recorded while Temporal was unreachable, claims
  // left by a process that died, and refused events offered again. The pass and the backlog
  // count scan the inbox on FerretDB, so the next waits ten times as long as they took (≥ 5 s).
  const relay = paced(
    async () => {
      await inbox.kick();
      await inbox
        .backlog()
        .then((backlog) => metrics.webhookBacklog.set(backlog))
        .catch((err: unknown) => log.warn({ err }, 'could not count the inbox backlog'));
    },
    { everyMs: 5000, share: 10 },
  );

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, () => resolve(s)).on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    server,
    url: `http://localhost:${port}`,
    async close() {
      relay.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await inbox.idle();
      await sandboxes.close();
      await temporal.connection.close();
      await mongo.close();
    },
  };
}

export interface RunningWorker {
  worker: Worker;
  /** Its counters; serve them (`serveMetrics`) or share them with an API in the same process. */
  metrics: Metrics;
  done: Promise<void>;
  close(): Promise<void>;
}

/** The Temporal worker with every activity's dependencies built once. */
export async function startWorker(
  config: Config,
  endpoints: Endpoints,
  log: Logger,
  options: Pick<CheckoutWorkerOptions, 'workflowBundle'> & { mailer?: Mailer; metrics?: Metrics } = {},
): Promise<RunningWorker> {
  const { client: mongo, db } = await openDatabase(config, endpoints.mongoUri);
  const metrics = options.metrics ?? createMetrics();
  const { taskQueue } = config.temporal;
  // Before the connection: it creates the SDK's runtime (its metrics and logs) if none runs yet.
  prepareTemporalRuntime();
  sdkLogs.route(taskQueue, log.child({ component: 'temporal' }));
  const connection = await NativeConnection.connect({ address: endpoints.temporalAddress });
  const mailer = options.mailer ?? createMailer(endpoints.smtpUrl, config.smtp.from);
  const worker = await createCheckoutWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    workflowBundle: options.workflowBundle,
    codec: openPayloadEncryption(config)?.codec,
    cachedWorkflows: config.workerCachedWorkflows,
    deps: {
      store: collections(db),
      mailer,
      providers: createProviders(config, metrics),
      publicUrl: config.publicUrl,
      storefrontUrl: config.storefrontUrl,
      log: log.child({ component: 'activities' }),
      metrics,
    },
  });
  sdkMetrics.retain();
  const done = worker.run();
  return {
    worker,
    metrics,
    done,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
      mailer.close();
      await connection.close();
      await mongo.close();
      sdkMetrics.release();
      sdkLogs.unroute(taskQueue);
    },
  };
}
