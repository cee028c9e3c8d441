#!/usr/bin/env node
/**
 * `npm run build`: compiles with tsc, copies the run-time assets into dist/, and bundles the
 * workflows once (dist/workflow-bundle.js, so a worker need not run webpack at every start).
 *   node scripts/build.js             always builds, every file emitted again
 *   node scripts/build.js --if-stale  builds only when the sources differ from the last build's,
 *                                     and then incrementally: tsc checks and emits only what
 *                                     changed (`npm start`, `npm run api|worker|ops`)
 * The last build's sources are recorded as a hash in dist/build-stamp.json, written only once
 * every step succeeded; any changed, added or removed source file, tsconfig, lockfile or build
 * script differs from it.
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const SOURCE_DIRS = ['src', 'workflows', 'activities'];
const SOURCE_FILES = ['tsconfig.json', 'package.json', 'package-lock.json', 'scripts/build.js', 'scripts/copy-assets.js'];
const STAMP = 'dist/build-stamp.json';
const BUILD_INFO = 'dist/.tsbuildinfo';

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((item) => (item.isDirectory() ? filesUnder(path.join(dir, item.name)) : [path.join(dir, item.name)]));
}

/** One hash of every file the build reads (names and contents). */
function sourcesHash(root = ROOT) {
  const hash = createHash('sha256');
  const files = [...SOURCE_DIRS.flatMap((dir) => filesUnder(path.join(root, dir))), ...SOURCE_FILES.map((f) => path.join(root, f))];
  for (const file of files) {
    hash.update(`${path.relative(root, file)}\0`);
    hash.update(fs.existsSync(file) ? fs.readFileSync(file) : '(none)');
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Compiled files that should exist but do not (tsc --incremental does not notice a deleted output). */
function missingOutputs(root = ROOT) {
  return SOURCE_DIRS.flatMap((dir) => filesUnder(path.join(root, dir)))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(root, 'dist', path.relative(root, file)).replace(/\.ts$/, '.js'))
    .filter((out) => !fs.existsSync(out));
}

/** Why a build is needed, or undefined when dist/ was built from exactly these sources. */
function staleness(root = ROOT) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(root, STAMP), 'utf8'));
  } catch {
    return 'no completed build';
  }
  if (stamp.sources !== sourcesHash(root)) return 'sources changed';
  if (missingOutputs(root).length > 0) return 'compiled files missing';
  return undefined;
}

/** `full`: every file compiled and emitted again (tsc --incremental rewrites only what changed, and trusts dist/ as it finds it). */
async function build(root = ROOT, { full = true } = {}) {
  const sources = sourcesHash(root);
  fs.rmSync(path.join(root, STAMP), { force: true });
  // A deleted output is only emitted again by a full compile.
  if (full || missingOutputs(root).length > 0) fs.rmSync(path.join(root, BUILD_INFO), { force: true });
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', BUILD_INFO],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) return tsc.status ?? 1;
  const copy = spawnSync(process.execPath, [path.join(root, 'scripts', 'copy-assets.js')], { cwd: root, stdio: 'inherit' });
  if (copy.status !== 0) return copy.status ?? 1;
  const { writeWorkflowBundle } = require(path.join(root, 'dist', 'src', 'temporal', 'workflow-bundle.js'));
  await writeWorkflowBundle(path.join(root, 'dist'));
  fs.writeFileSync(path.join(root, STAMP), `${JSON.stringify({ sources }, null, 2)}\n`);
  return 0;
}

module.exports = { sourcesHash, staleness, missingOutputs };

if (require.main === module) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !staleness()) process.exit(0);
  build(ROOT, { full: !ifStale }).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
