/**
 * The workflow bundle (webpack, ~1-2 s of CPU) made once by `npm run build` instead of at every
 * worker start: `dist/workflow-bundle.js`, beside a manifest naming the hash of what it was made
 * from. A worker uses it only while that hash still matches the compiled code it runs; otherwise
 * (e.g. `tsc` alone ran since) it bundles from source, as without a prebuilt bundle.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/** The compiled tree this file belongs to: `dist/` when built (under ts-jest, the repository: never holds a bundle). */
export const CODE_ROOT = path.join(__dirname, '../..');

const BUNDLE_FILE = 'workflow-bundle.js';
const MANIFEST_FILE = 'workflow-bundle.json';

/** Everything webpack may put in the bundle: the compiled workflows and src (they import a few of its modules), and the SDK. */
export function bundleInputsHash(root = CODE_ROOT): string {
  const hash = createHash('sha256');
  for (const pkg of ['@temporalio/workflow', '@temporalio/common', '@temporalio/worker']) {
    hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}\0`);
  }
  for (const dir of ['workflows', 'src']) {
    for (const file of jsFiles(path.join(root, dir))) hash.update(`${path.relative(root, file)}\0`).update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function jsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((item) => {
      const full = path.join(dir, item.name);
      if (item.isDirectory()) return jsFiles(full);
      return /\.(js|cjs|mjs|json)$/.test(item.name) ? [full] : [];
    });
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

/** `npm run build`: bundles the compiled workflows under `root` into `root/workflow-bundle.js` and records their hash. */
export async function writeWorkflowBundle(root = CODE_ROOT): Promise<string> {
  const inputs = bundleInputsHash(root);
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(path.join(root, 'workflows')), logger: quietLogger });
  const file = path.join(root, BUNDLE_FILE);
  // The manifest goes last, each by rename: a reader never pairs a new hash with an old bundle.
  fs.rmSync(path.join(root, MANIFEST_FILE), { force: true });
  fs.writeFileSync(`${file}.tmp`, code);
  fs.renameSync(`${file}.tmp`, file);
  fs.writeFileSync(path.join(root, `${MANIFEST_FILE}.tmp`), `${JSON.stringify({ inputs }, null, 2)}\n`);
  fs.renameSync(path.join(root, `${MANIFEST_FILE}.tmp`), path.join(root, MANIFEST_FILE));
  return file;
}

/** The prebuilt bundle when it was made from exactly the code under `root` now; undefined otherwise. */
export function freshPrebuiltBundle(root = CODE_ROOT): { codePath: string } | undefined {
  const codePath = path.join(root, BUNDLE_FILE);
  let recorded: string | undefined;
  try {
    recorded = (JSON.parse(fs.readFileSync(path.join(root, MANIFEST_FILE), 'utf8')) as { inputs?: string }).inputs;
  } catch {
    return undefined;
  }
  if (!recorded || !fs.existsSync(codePath) || recorded !== bundleInputsHash(root)) return undefined;
  return { codePath };
}
