/** What test files use to reach the servers that global-setup.ts started for the whole run. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { MongoClient, type Db } from 'mongodb';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export const TEST_ENV_VAR = 'CHECKOUT_SAGAS_TEST_ENV';

export interface TestServers {
  temporalAddress: string;
  namespace: string;
  mongoUri: string;
  /** Cached time-skipping test server; undefined = the SDK downloads its own. */
  testServerPath?: string;
  /** Cached `temporal` CLI, for tests that start (and stop) a dev server of their own. */
  temporalCli?: string | null;
}

let cached: TestServers | undefined;

export function testServers(): TestServers {
  if (cached) return cached;
  const file = process.env[TEST_ENV_VAR];
  if (!file || !fs.existsSync(file)) {
    throw new Error(`${TEST_ENV_VAR} is not set or its file is gone: run tests through jest (globalSetup starts the servers)`);
  }
  cached = JSON.parse(fs.readFileSync(file, 'utf8')) as TestServers;
  return cached;
}

/**
 * A time-skipping environment on the cached test-server binary (one per test file; teardown()
 * it), with the checkout's custom search attributes registered as on the dev server.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const { testServerPath } = testServers();
  const env = await TestWorkflowEnvironment.createTimeSkipping(
    testServerPath ? { server: { executable: { type: 'existing-path', path: testServerPath } } } : undefined,
  );
  const types = { Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME };
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [name, types[type]])),
  });
  return env;
}

export interface FreshDb {
  client: MongoClient;
  db: Db;
  dbName: string;
  uri: string;
  /** Drops the database and closes the client. */
  cleanup(): Promise<void>;
  /** Same as cleanup() (the name some test files use). */
  drop(): Promise<void>;
}

/** A database no other test file uses, on the shared MongoDB-wire server. */
export async function freshDb(mongoUri = testServers().mongoUri): Promise<FreshDb> {
  // Short and plain: FerretDB limits database names (letters, digits, '_' and '-', < 64 chars).
  const dbName = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = await new MongoClient(mongoUri).connect();
  const db = client.db(dbName);
  const cleanup = async () => {
    try {
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  };
  return { client, db, dbName, uri: mongoUri, cleanup, drop: cleanup };
}
