/** The harness' time-skipping environment runs on the cached test-server binary and skips time. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv, testServers } from '../support/servers';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});
afterAll(() => env?.teardown());

test('uses the cached test server binary', () => {
  expect(testServers().testServerPath).toMatch(/temporal-test-server$/);
  expect(env.supportsTimeSkipping).toBe(true);
});

test('an hour of workflow time passes without waiting an hour', async () => {
  const before = await env.currentTimeMs();
  const wallBefore = Date.now();
  await env.sleep('1h');
  expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3_600_000);
  expect(Date.now() - wallBefore).toBeLessThan(30_000);
});
