/**
 * The service under test, as users run it: `npm start`'s process (the embedded stack, worker and
 * API in one), or the same embedded servers with separate `npm run api` / `npm run worker`
 * processes (several of each to scale out). Output goes to files under the run's directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { startEmbeddedStack, type EmbeddedStack } from '../src/stack';
import { DEFAULT_PORTS, freePort } from '../src/stack/ports';
import { projectRoot } from '../src/stack/tools';
import { WORKER_PROCESS_ENV } from '../src/temporal/worker';

export interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
  /** Resident set size in bytes, from /proc (0 once gone). */
  rss(): number;
  stop(): Promise<void>;
}

export interface Service {
  /** The API processes' own URLs (the relay spreads requests over them). */
  apis: string[];
  temporalAddress: string;
  mongoUri: string;
  procs: Proc[];
  stack?: EmbeddedStack;
  stop(): Promise<void>;
}

/** The processes below `pid` (itself included). */
function tree(pid: number): number[] {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return [pid, ...(children ? children.split(/\s+/).flatMap((c) => tree(Number(c))) : [])];
  } catch {
    return [];
  }
}

const TICKS_PER_SECOND = 100;

/** CPU seconds used so far by each kind of process under `pids` (by command name: node, temporal, ferretdb…). */
export function cpuByName(pids: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of pids.flatMap(tree)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/-v[\d.]+$/, '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime: fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the name).
      out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The processes this bench started (at any depth) whose command name matches: FerretDB and Temporal run under reaper shells. */
export function processesNamed(name: RegExp): number[] {
  return tree(process.pid).filter((pid) => {
    try {
      return name.test(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    } catch {
      return false;
    }
  });
}

/** RSS of a process and its children (a reaper shell's child is the server itself). */
export function treeRss(pid: number): number {
  let total = 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) total += treeRss(Number(child));
  } catch {
    // gone
  }
  return total;
}

export function startProc(name: string, file: string, env: Record<string, string>, dir: string): Proc {
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, `${name}.log`);
  const out = fs.openSync(log, 'a');
  const child = spawn(process.execPath, [file], { cwd: projectRoot(), env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    log,
    rss: () => (child.exitCode === null ? treeRss(child.pid!) : 0),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function printed(proc: Proc, re: RegExp, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(proc.log) ? fs.readFileSync(proc.log, 'utf8') : '';
    if (re.test(text)) return;
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited before it was ready; see ${proc.log}`);
    if (Date.now() > deadline) throw new Error(`${proc.name} not ready after ${timeoutMs / 1000} s; see ${proc.log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const dist = (entry: string) => path.join(projectRoot(), 'dist', 'src', `${entry}.js`);

/** Environment shared by every process of one service. */
function baseEnv(dataDir: string, relayUrl: string, extra: Record<string, string>): Record<string, string> {
  // Every simulated customer comes from this one address: the per-client limit would cap the run.
  return { NODE_ENV: 'development', DATA_DIR: dataDir, PUBLIC_URL: relayUrl, SANDBOX_URL: relayUrl, CHECKOUT_RATE_LIMIT: '1000000/1m', ...extra };
}

/**
 * `npm start` (its built entry): fixed ports for the embedded servers, as a user gets them. While
 * another run holds them, it waits and tries again (for up to five minutes).
 */
export async function startAllInOne(dir: string, relayUrl: string, env: Record<string, string> = {}): Promise<Service> {
  const port = await freePort();
  const giveUpAt = Date.now() + 300_000;
  for (let attempt = 1; ; attempt++) {
    const proc = startProc(`npm-start-${attempt}`, dist('main'), { ...baseEnv(path.join(dir, 'data'), relayUrl, env), PORT: String(port), WORKER_METRICS_PORT: '0' }, dir);
    try {
      await printed(proc, /checkout-sagas is running/);
    } catch (err) {
      const busy = /is already in use/.test(fs.readFileSync(proc.log, 'utf8'));
      if (!busy || Date.now() > giveUpAt) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      continue;
    }
    return {
      apis: [`http://127.0.0.1:${port}`],
      temporalAddress: `127.0.0.1:${DEFAULT_PORTS.temporal}`,
      mongoUri: `mongodb://127.0.0.1:${DEFAULT_PORTS.mongo}`,
      procs: [proc],
      stop: () => proc.stop(),
    };
  }
}

/** The embedded servers started here, with `apis` API processes and `workers` worker processes. */
export async function startSplit(dir: string, relayUrl: string, { apis, workers }: { apis: number; workers: number }, env: Record<string, string> = {}): Promise<Service> {
  const dataDir = path.join(dir, 'data');
  const shared = { ...baseEnv(dataDir, relayUrl, env), PAYLOAD_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}` };
  const config = loadConfig({ ...process.env, ...shared });
  const stack = await startEmbeddedStack(config, { info: () => undefined }, { freePorts: true });
  const endpoints = { ...shared, TEMPORAL_ADDRESS: stack.temporalAddress, MONGODB_URI: stack.mongoUri, SMTP_URL: stack.smtpUrl };
  const procs: Proc[] = [];
  const urls: string[] = [];
  try {
    for (let i = 0; i < workers; i++) procs.push(startProc(`worker-${i + 1}`, dist('worker'), { ...endpoints, ...WORKER_PROCESS_ENV, WORKER_METRICS_PORT: '0' }, dir));
    for (let i = 0; i < apis; i++) {
      const port = await freePort();
      urls.push(`http://127.0.0.1:${port}`);
      procs.push(startProc(`api-${i + 1}`, dist('api'), { ...endpoints, PORT: String(port) }, dir));
    }
    await Promise.all(procs.map((p) => printed(p, p.name.startsWith('api') ? /API listening/ : /worker running/)));
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop()));
    await stack.stop();
    throw err;
  }
  return {
    apis: urls,
    temporalAddress: stack.temporalAddress,
    mongoUri: stack.mongoUri,
    procs,
    stack,
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
      await stack.stop();
    },
  };
}
