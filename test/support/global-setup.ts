/**
 * Jest globalSetup: fetches/builds the tools once, then starts ONE in-memory Temporal dev server
 * and ONE FerretDB for the whole run. Test files find them through the JSON file named by
 * CHECKOUT_SAGAS_TEST_ENV (workers inherit process.env); see test/support/servers.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMongoWireServer, type MongoWireServer } from '../../src/stack/mongo';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/stack/temporal';
import { ensureAllTools } from '../../src/stack/tools';
import { BUNDLE_ENV_VAR, buildWorkflowBundle } from './bundle';
import { TEST_ENV_VAR, type TestServers } from './servers';

export interface GlobalStack {
  temporal?: TemporalDevServer;
  mongo?: MongoWireServer;
  tmpDir: string;
  envFile: string;
}

declare global {
  // eslint-disable-next-line no-var
  var __checkoutSagasStack: GlobalStack | undefined;
}

const log = (line: string) => process.stderr.write(`[test stack] ${line}\n`);

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const tools = await ensureAllTools(log);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-jest-data-'));
  const envFile = path.join(os.tmpdir(), `checkout-sagas-jest-${process.pid}.json`);
  const stack: GlobalStack = { tmpDir, envFile };
  globalThis.__checkoutSagasStack = stack;

  // The workflow bundle is built once here and shared by every test file's workers.
  const bundling = buildWorkflowBundle(path.join(tmpDir, 'workflow-bundle.js'));
  const [temporal, mongo] = await Promise.allSettled([
    startTemporalDevServer({ namespace: 'default', headless: true, cliPath: tools.temporalCli ?? null, log }),
    startMongoWireServer({ dataDir: path.join(tmpDir, 'mongo'), binaryPath: tools.ferretDb, log }),
  ]);
  if (temporal.status === 'fulfilled') stack.temporal = temporal.value;
  if (mongo.status === 'fulfilled') stack.mongo = mongo.value;
  if (temporal.status === 'rejected' || mongo.status === 'rejected') {
    // Jest skips globalTeardown when globalSetup throws: clean up here.
    await Promise.all([stack.temporal?.stop(), stack.mongo?.stop()]);
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw temporal.status === 'rejected' ? temporal.reason : (mongo as PromiseRejectedResult).reason;
  }

  const servers: TestServers = {
    temporalAddress: stack.temporal!.address,
    namespace: stack.temporal!.namespace,
    mongoUri: stack.mongo!.uri,
    testServerPath: tools.temporalTestServer,
    temporalCli: tools.temporalCli ?? null,
  };
  fs.writeFileSync(envFile, JSON.stringify(servers, null, 2));
  process.env[TEST_ENV_VAR] = envFile;
  process.env[BUNDLE_ENV_VAR] = await bundling;
  log(`Temporal ${servers.temporalAddress}, MongoDB-wire ${servers.mongoUri} (ready in ${Date.now() - started} ms)`);
}
