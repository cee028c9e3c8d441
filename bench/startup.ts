/**
 * Start-up time of `npm start`, as a user sees it: from typing the command to the ready message.
 *
 *   import { timeNpmStart } from './startup';
 *   const { readyMs, phases } = await timeNpmStart({ dataDir: '/tmp/empty-or-existing' });
 *
 * Spawns `npm start` from the project root (DATA_DIR=dataDir plus `env`; the default fixed ports
 * 3000/7233/8233/27017/1025, waited for until free), measures the wall time from the spawn to the
 * line "checkout-sagas is running:", then stops it with SIGINT (Ctrl-C: the whole process group)
 * and waits until it has exited and the ports are free again. `phases` (ms): `build` = from the
 * spawn until npm runs main (npm itself and the prestart build), then main's own summary line
 * (`load`, `stack`, `temporal`, `mongo`, `smtp`, `worker`, `api`, `demo`; see src/main.ts).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_PORTS, isPortFree } from '../src/stack/ports';

export interface StartupOptions {
  dataDir: string;
  env?: Record<string, string>;
  /** Until the ready line (default 5 min: a first run may fetch the tools). */
  timeoutMs?: number;
  /** How long to wait for the fixed ports to be free before starting (default 2 min). */
  portWaitMs?: number;
  /** Every line npm start printed, e.g. to keep in a log file. */
  onLine?: (line: string) => void;
}

export interface StartupTiming {
  readyMs: number;
  phases?: Record<string, number>;
}

const READY = 'checkout-sagas is running:';
const MAIN_STARTS = /^> checkout-sagas@\S+ start$/;
const SUMMARY = /started in \d+ ms: (.*)$/;

export async function timeNpmStart(opts: StartupOptions): Promise<StartupTiming> {
  // Another process may take one of the fixed ports between our check and main's: run again then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await timeOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/is already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function timeOnce(opts: StartupOptions): Promise<StartupTiming> {
  const ports = portsOf(opts.env);
  await waitForFreePorts(ports, opts.portWaitMs ?? 120_000);
  const started = performance.now();
  // Its own process group, so that SIGINT reaches npm, its shell and main as Ctrl-C does.
  const child = spawn('npm', ['start'], {
    cwd: projectRoot(),
    env: { ...process.env, DATA_DIR: opts.dataDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const recent: string[] = [];
  const phases: Record<string, number> = {};
  let resolveReady!: (ms: number) => void;
  const ready = new Promise<number>((resolve) => (resolveReady = resolve));

  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const at = Math.round(performance.now() - started);
        opts.onLine?.(line);
        recent.push(line);
        if (recent.length > 40) recent.shift();
        if (MAIN_STARTS.test(line.trim()) && phases.build === undefined) phases.build = at;
        const summary = SUMMARY.exec(line);
        if (summary) for (const [, name, ms] of summary[1].matchAll(/(\w+)=(\d+)/g)) phases[name] = Number(ms);
        if (line.includes(READY)) resolveReady(at);
      }
    });
  }

  const timeoutMs = opts.timeoutMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then((ms) => ({ ms })),
    exited.then((code) => ({ error: `npm start exited (${code}) before it was ready` })),
    new Promise<{ error: string }>((resolve) => (timer = setTimeout(() => resolve({ error: `npm start was not ready within ${timeoutMs} ms` }), timeoutMs))),
  ]);
  clearTimeout(timer);
  await stop(child.pid!, exited, ports);
  if ('error' in outcome) throw new Error(`${outcome.error}; last output:\n${recent.join('\n')}`);
  return { readyMs: outcome.ms, phases };
}

function portsOf(env: Record<string, string> = {}): number[] {
  const api = Number(env.PORT ?? process.env.PORT ?? 3000);
  return [api, DEFAULT_PORTS.temporal, DEFAULT_PORTS.temporalUi, DEFAULT_PORTS.mongo, DEFAULT_PORTS.smtp];
}

/** Resolves once all are free; after `timeoutMs`, rejects naming the busy ones (or just resolves when `lenient`). */
async function waitForFreePorts(ports: number[], timeoutMs: number, lenient = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = (await Promise.all(ports.map(async (port) => ((await isPortFree(port)) ? undefined : port)))).filter((p) => p !== undefined);
    if (busy.length === 0 || (lenient && Date.now() > deadline)) return;
    if (Date.now() > deadline) throw new Error(`ports still in use after ${timeoutMs} ms: ${busy.join(', ')}`);
    await delay(250);
  }
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Ctrl-C to the group; SIGKILL if it has not stopped within a minute. Then waits for the ports. */
async function stop(pgid: number, exited: Promise<unknown>, ports: number[]): Promise<void> {
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGINT');
  await exited;
  const deadline = Date.now() + 60_000;
  while (groupAlive(pgid) && Date.now() < deadline) await delay(100);
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  // Our servers release their ports as they exit; one still busy after that is someone else's
  // (the next call waits for it before starting).
  await waitForFreePorts(ports, 30_000, true);
}

/** The checkout-sagas package above this file (run from source) or above the working directory (compiled elsewhere). */
function projectRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'checkout-sagas') return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`cannot find the checkout-sagas project above ${__dirname} or ${process.cwd()}`);
}
