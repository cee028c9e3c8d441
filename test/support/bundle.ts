import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/temporal/worker';

const BUNDLE_FILE = path.join(os.tmpdir(), `checkout-sagas-workflows-${process.ppid}-${process.env.JEST_RUN_ID ?? 'run'}.js`);

/** Bundles the workflows once per test run (global setup) instead of once per worker. */
export async function buildWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(WORKFLOWS_PATH), logger: quietLogger });
  fs.writeFileSync(BUNDLE_FILE, code);
  return BUNDLE_FILE;
}

export async function workflowBundle(): Promise<{ codePath: string }> {
  const prebuilt = process.env.CHECKOUT_SAGAS_WORKFLOW_BUNDLE;
  if (prebuilt && fs.existsSync(prebuilt)) return { codePath: prebuilt };
  return { codePath: await buildWorkflowBundle() };
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
