/** What test files use to reach the servers that global-setup.ts started for the whole run. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { MongoClient, type Db } from 'mongodb';

export const TEST_ENV_VAR = 'CHECKOUT_SAGAS_TEST_ENV';

export interface TestServers {
  temporalAddress: string;
  namespace: string;
  mongoUri: string;
  /** Cached time-skipping test server; undefined = the SDK downloads its own. */
  testServerPath?: string;
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

/** A time-skipping environment on the cached test-server binary (one per test file; teardown() it). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const { testServerPath } = testServers();
  return TestWorkflowEnvironment.createTimeSkipping(
    testServerPath ? { server: { executable: { type: 'existing-path', path: testServerPath } } } : undefined,
  );
}

export interface FreshDb {
  client: MongoClient;
  db: Db;
  dbName: string;
  uri: string;
  /** Drops the database and closes the client. */
  cleanup(): Promise<void>;
}

/** A database no other test file uses, on the shared MongoDB-wire server. */
export async function freshDb(mongoUri = testServers().mongoUri): Promise<FreshDb> {
  // Short and plain: FerretDB limits database names (letters, digits, '_' and '-', < 64 chars).
  const dbName = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = await new MongoClient(mongoUri).connect();
  const db = client.db(dbName);
  return {
    client,
    db,
    dbName,
    uri: mongoUri,
    async cleanup() {
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}
