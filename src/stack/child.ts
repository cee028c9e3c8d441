/** A server binary run as a child process: output kept for error messages, clean stop, readiness polling. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface ManagedChild {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string | null>;
  hasExited(): boolean;
  /** The last lines the process printed (stdout and stderr), for error messages. */
  recentOutput(): string;
  /** Resolves with the first stdout/stderr line matching `re`; rejects if the process exits first. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const KEEP_LINES = 40;

/**
 * Runs the server under a tiny shell that holds the read end of a pipe from this process: when
 * this process dies, even by SIGKILL (no exit handler runs), the pipe closes and the shell kills
 * the server. Neither FerretDB nor the Temporal CLI notices a dead parent by itself, and Node has
 * no PR_SET_PDEATHSIG. SIGTERM/SIGINT to the shell are passed on; it exits with the server.
 */
const REAPER = [
  'exec 3<&0',
  '"$@" </dev/null & server=$!',
  '(while read -r _ <&3; do :; done; kill -KILL $server 2>/dev/null) & watcher=$!',
  "trap 'kill -TERM $server 2>/dev/null' TERM",
  "trap 'kill -INT $server 2>/dev/null' INT",
  'while :; do wait $server; code=$?; kill -0 $server 2>/dev/null || break; done',
  'kill $watcher 2>/dev/null',
  'exit $code',
].join('\n');

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Also appends every line, and how the process ended, to this file (a test's evidence). */
  outputFile?: string;
}

export function spawnManaged(name: string, file: string, args: string[], { env, outputFile }: SpawnOptions = {}): ManagedChild {
  // Its own process group (detached): a stop() that has to SIGKILL takes the shell, the watcher
  // and the server at once; a Ctrl-C reaches this process, which stops the servers in order.
  const child = spawn('/bin/sh', ['-c', REAPER, name, file, ...args], {
    env: env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdin?.on('error', () => undefined); // never written to; only its closing matters
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let exitedFlag = false;
  const record = (line: string) => {
    if (outputFile) fs.appendFileSync(outputFile, `${new Date().toISOString()} ${line}\n`);
  };
  record(`${name} started (pid ${child.pid})`);

  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      child.stdin?.destroy();
      resolve(code ?? signal);
    });
    // After 'close' (its output read to the end), so the file ends with how it ended.
    child.once('close', (code, signal) => record(`${name} exited (${code ?? signal})`));
    child.once('error', (err) => {
      exitedFlag = true;
      lines.push(err.message);
      resolve(null);
    });
  });
  // Never leave a server behind when this process exits without calling stop() (e.g. a crash).
  const killOnExit = () => killGroup('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > KEEP_LINES) lines.shift();
        record(line);
        for (const watch of watchers) watch(line);
      }
    });
  }

  const recentOutput = () => lines.join('\n');

  return {
    name,
    child,
    exited,
    hasExited: () => exitedFlag,
    recentOutput,
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const earlier = lines.map((l) => l.match(re)).find((m) => m);
        if (earlier) return resolve(earlier);
        const timer = setTimeout(() => finish(new Error(`${name} printed no ready line within ${timeoutMs} ms`)), timeoutMs);
        const watch = (line: string) => {
          const match = line.match(re);
          if (match) finish(undefined, match);
        };
        const finish = (err?: Error, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          watchers.delete(watch);
          if (err) reject(err);
          else resolve(match!);
        };
        watchers.add(watch);
        void exited.then((code) => finish(new Error(`${name} exited (${code}) before it was ready: ${lastLine(recentOutput())}`)));
      });
    },
    async stop(graceMs = 15_000) {
      if (exitedFlag) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim() || 'no output';
}

/**
 * Polls `probe` until it succeeds. A server that has exited or a deadline passed ends the wait
 * with one line saying why (the probe's last error or the server's last output).
 */
export async function waitUntilReady<T>(
  server: ManagedChild | undefined,
  what: string,
  probe: () => Promise<T>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    if (server?.hasExited()) {
      throw new Error(`${what} exited before it was ready: ${lastLine(server.recentOutput())}`);
    }
    try {
      return await probe();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} was not ready within ${timeoutMs / 1000}s: ${(lastError as Error)?.message ?? lastError}`);
    }
    // Quick at first (a server is often up within a few hundred ms), then every 100 ms.
    await delay(Math.min(100, 20 * 2 ** attempt));
  }
}
