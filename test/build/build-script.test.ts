/**
 * scripts/build.js --if-stale (`npm start`, `npm run api|worker|ops`) skips the build only while
 * dist/ was built from exactly the current sources, judged by content (a touched but unchanged
 * file does not count; an edit, an added or removed file does), and never with a compiled file
 * missing. Then one real build of a copy of the project: built once, skipped while unchanged,
 * rebuilt with a fresh workflow bundle after a workflow edit.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface BuildScript {
  sourcesHash(root: string): string;
  staleness(root: string): string | undefined;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sourcesHash, staleness } = require('../../scripts/build.js') as BuildScript;

const ROOT = path.join(__dirname, '../..');
let tree: string;

const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
  fs.writeFileSync(path.join(tree, rel), text);
};
const stamp = () => write('dist/build-stamp.json', JSON.stringify({ sources: sourcesHash(tree) }));
/** What a build leaves: a .js for each source .ts, then the stamp. */
const builtAgain = () => {
  for (const dir of ['src', 'workflows', 'activities']) {
    if (!fs.existsSync(path.join(tree, dir))) continue;
    for (const rel of fs.readdirSync(path.join(tree, dir), { recursive: true }) as string[]) {
      if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) write(path.join('dist', dir, rel.replace(/\.ts$/, '.js')), '');
    }
  }
  stamp();
};

beforeEach(() => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-build-'));
});
afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

describe('staleness', () => {
  beforeEach(() => {
    write('tsconfig.json', '{}');
    write('src/main.ts', 'export const a = 1;\n');
    write('src/types.d.ts', 'declare const b: number;\n');
    write('workflows/index.ts', 'export async function w() {}\n');
    write('src/api/assets/page.css', 'body {}\n');
    write('dist/src/main.js', 'exports.a = 1;\n');
    write('dist/workflows/index.js', 'exports.w = 1;\n');
  });

  test('no completed build: stale', () => {
    expect(staleness(tree)).toBe('no completed build');
  });

  test('built from these sources: fresh, even after a touch that changed no content', () => {
    stamp();
    expect(staleness(tree)).toBeUndefined();
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(tree, 'src/main.ts'), later, later);
    expect(staleness(tree)).toBeUndefined();
  });

  test.each([
    ['an edited workflow', () => write('workflows/index.ts', 'export async function w() { return 1; }\n')],
    ['an added activity', () => write('activities/new.ts', 'export const n = 1;\n')],
    ['a removed source', () => fs.rmSync(path.join(tree, 'src/api/assets/page.css'))],
    ['an edited asset', () => write('src/api/assets/page.css', 'body { margin: 0 }\n')],
    ['a changed tsconfig', () => write('tsconfig.json', '{ "compilerOptions": {} }')],
  ])('%s: stale until built again', (_what, change) => {
    stamp();
    change();
    expect(staleness(tree)).toBe('sources changed');
    builtAgain();
    expect(staleness(tree)).toBeUndefined();
  });

  test('a compiled file missing: stale, though the sources match', () => {
    stamp();
    fs.rmSync(path.join(tree, 'dist/workflows/index.js'));
    expect(staleness(tree)).toBe('compiled files missing');
  });
});

describe('a real build of a copy of the project', () => {
  const build = (...args: string[]) => {
    const run = spawnSync(process.execPath, [path.join(tree, 'scripts/build.js'), ...args], { cwd: tree, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`build failed (${run.status}): ${run.stdout}${run.stderr}`);
  };
  const mtime = (rel: string) => fs.statSync(path.join(tree, rel)).mtimeMs;
  const bundleModule = () => path.join(tree, 'dist/src/temporal/workflow-bundle.js');

  beforeEach(() => {
    for (const dir of ['src', 'workflows', 'activities', 'scripts']) fs.cpSync(path.join(ROOT, dir), path.join(tree, dir), { recursive: true });
    for (const file of ['tsconfig.json', 'package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(tree, file));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
  });

  test('builds once, skips while unchanged, rebuilds (bundle included) after a workflow edit', () => {
    build('--if-stale');
    for (const file of ['dist/src/main.js', 'dist/src/providers/resurs/wsdl/SimplifiedShopFlowService.wsdl', 'dist/workflow-bundle.js', 'dist/build-stamp.json']) {
      expect([file, fs.existsSync(path.join(tree, file))]).toEqual([file, true]);
    }
    // The build's own check, run from its compiled module: the bundle matches the compiled code.
    const { freshPrebuiltBundle } = require(bundleModule()) as typeof import('../../src/temporal/workflow-bundle');
    expect(freshPrebuiltBundle(path.join(tree, 'dist'))).toEqual({ codePath: path.join(tree, 'dist/workflow-bundle.js') });

    const built = { stamp: mtime('dist/build-stamp.json'), bundle: mtime('dist/workflow-bundle.js'), main: mtime('dist/src/main.js') };
    build('--if-stale');
    expect({ stamp: mtime('dist/build-stamp.json'), bundle: mtime('dist/workflow-bundle.js'), main: mtime('dist/src/main.js') }).toEqual(built);

    const checkout = path.join(tree, 'workflows/checkout.ts');
    fs.appendFileSync(checkout, '\nexport const buildProbe = "rebuilt after an edit";\n');
    build('--if-stale');
    expect(mtime('dist/build-stamp.json')).toBeGreaterThan(built.stamp);
    expect(fs.readFileSync(path.join(tree, 'dist/workflows/checkout.js'), 'utf8')).toContain('rebuilt after an edit');
    expect(fs.readFileSync(path.join(tree, 'dist/workflow-bundle.js'), 'utf8')).toContain('rebuilt after an edit');
    expect(freshPrebuiltBundle(path.join(tree, 'dist'))).toEqual({ codePath: path.join(tree, 'dist/workflow-bundle.js') });
  }, 600_000);
});
