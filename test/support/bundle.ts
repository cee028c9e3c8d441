import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/temporal/worker';

export const BUNDLE_ENV_VAR = 'CHECKOUT_SAGAS_WORKFLOW_BUNDLE';

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

/** Bundles the workflows once per test run (global setup) instead of once per worker. */
export async function buildWorkflowBundle(file = path.join(os.tmpdir(), `checkout-sagas-workflows-${process.pid}.js`)): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(WORKFLOWS_PATH), logger: quietLogger });
  fs.writeFileSync(file, code);
  return file;
}

export async function workflowBundle(): Promise<{ codePath: string }> {
  const prebuilt = process.env[BUNDLE_ENV_VAR];
  return { codePath: prebuilt && fs.existsSync(prebuilt) ? prebuilt : await buildWorkflowBundle() };
}
