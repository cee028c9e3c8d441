/**
 * Real processes for the fault scenarios: the built API and worker (`dist/src/*.js`, built by
 * `pretest:faults`) as children of the test, each with its output in a file under a temp dir
 * (named in a failure's message only, so CI output stays readable), killed as a real crash is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../src/stack/ports';
import { startSmtpCapture, type SmtpCapture } from '../../../src/stack/smtp';
import { projectRoot } from '../../../src/stack/tools';
import { TEST_PAYLOAD_KEYS } from '../../support/service';
import { eventually } from '../../support/eventually';

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | string | null>;
  alive(): boolean;
  /** SIGKILL: no handler runs, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the clean stop). */
  stop(): Promise<void>;
  /** Resolves once the process's output has a line matching `re` (false if it exited first). */
  printed(re: RegExp, timeoutMs?: number): Promise<boolean>;
}

/** A temp dir for one scenario's logs and data; `describe()` lists the log files for a failure message. */
export function scenarioDir(name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `checkout-sagas-fault-${name}-`));
  const logs: string[] = [];
  return {
    dir,
    logs,
    logFile(what: string) {
      const file = path.join(dir, `${what}-${logs.length + 1}.log`);
      logs.push(file);
      return file;
    },
    describe: () => `process logs: ${logs.join(', ')}`,
  };
}

/** Runs `node <file>` from the package root with `env` on top of a minimal environment; output to `logFile`. */
export function startNode(name: string, file: string, env: Record<string, string>, logFile: string): RunningProcess {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [file], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: 'development', ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let done = false;
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve(code ?? signal);
    });
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (!done) child.kill(sig);
    await exited;
  };
  const printed = async (re: RegExp, timeoutMs = 120_000) => {
    const seen = await eventually(
      async () => re.test(fs.readFileSync(logFile, 'utf8')) || (done ? 'exited' : false),
      (state) => state !== false,
      timeoutMs,
    );
    return seen === true;
  };
  return { name, pid: child.pid!, logFile, child, exited, alive: () => !done, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM'), printed };
}

export const built = (entry: string) => path.join(projectRoot(), 'dist', 'src', `${entry}.js`);

/** True while a process with this pid exists (a zombie of ours counts until reaped). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every descendant pid of `pid` (from /proc: children of each task), deepest last. */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let text = '';
      try {
        text = fs.readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of text.trim().split(/\s+/).filter(Boolean).map(Number)) {
        if (!found.includes(child)) {
          found.push(child);
          visit(child);
        }
      }
    }
  };
  visit(pid);
  return found;
}

/** The command line of a pid, for messages ('' once it is gone). */
export function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export interface ServiceEnds {
  temporalAddress: string;
  mongoUri: string;
}

/**
 * The API and the worker as two processes against `ends`, with an SMTP capture in this process
 * (mails counted from its list). The worker can be killed and restarted as often as the
 * scenario likes; `restartWorker()` starts a fresh one.
 */
export async function startSplitService(scenario: ReturnType<typeof scenarioDir>, ends: ServiceEnds, extraEnv: Record<string, string> = {}) {
  const smtp: SmtpCapture = await startSmtpCapture({ dir: path.join(scenario.dir, 'mail'), port: await freePort() });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    PUBLIC_URL: url,
    TEMPORAL_ADDRESS: ends.temporalAddress,
    TEMPORAL_TASK_QUEUE: `faults-${path.basename(scenario.dir)}`,
    MONGODB_URI: ends.mongoUri,
    MONGODB_DB: `faults_${path.basename(scenario.dir).replace(/[^A-Za-z0-9]/g, '_').slice(-20)}`,
    SMTP_URL: smtp.url,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    WORKER_METRICS_PORT: '0',
    CHECKOUT_RATE_LIMIT: '10000/1m',
    LOG_LEVEL: 'info',
    DATA_DIR: path.join(scenario.dir, 'data'),
    ...extraEnv,
  };
  const api = startNode('api', built('api'), env, scenario.logFile('api'));
  let worker = startNode('worker', built('worker'), env, scenario.logFile('worker'));
  let supervising = false;
  let restarts = 0;
  // As a process supervisor does (compose's restart policy): a worker that exits on its own is started again.
  const supervise = (running: RunningProcess) =>
    void running.exited.then(() => {
      if (!supervising || running !== worker) return;
      restarts++;
      setTimeout(() => {
        if (supervising && running === worker) supervise((worker = startNode('worker', built('worker'), env, scenario.logFile('worker'))));
      }, 1_000);
    });
  const ready = async () => {
    await eventually(
      () => fetch(`${url}/readyz`).then((r) => r.status, () => 0),
      (status) => status === 200,
      120_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; ${scenario.describe()}`);
    });
  };
  await ready();
  return {
    url,
    env,
    smtp,
    api,
    get worker() {
      return worker;
    },
    /** Restart the worker whenever it exits on its own; `restarts()` counts how often. */
    supervise() {
      supervising = true;
      supervise(worker);
    },
    restarts: () => restarts,
    restartWorker() {
      worker = startNode('worker', built('worker'), env, scenario.logFile('worker'));
      return worker;
    },
    ready,
    async stop() {
      supervising = false;
      await Promise.all([api.stop(), worker.stop()]);
      await smtp.stop();
    },
  };
}
export type SplitService = Awaited<ReturnType<typeof startSplitService>>;
