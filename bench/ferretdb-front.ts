/**
 * The embedded FerretDB's front under a checkout-like load: 64 clients at once, each looping over
 * insertOne into an inbox, findOne by _id, updateOne by _id with $set/$push, and a guarded $inc on
 * one hot seats document. Prints ops/s and p50/p99 per op for each ferretdb binary given, so the
 * front (tools/ferretdb/front.go) and the SQLite pragmas can be compared on the same machine.
 *
 *   npx tsc -p tsconfig.bench.json      (npm run bench does this too)
 *   node dist/bench/ferretdb-front.js [--seconds 15] [--clients 64] label=path/to/ferretdb ...
 *
 * Each binary gets a fresh data directory on the real disk (fsync is what synchronous changes).
 * Binaries run one after another, never side by side.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';

const OPS = ['insert', 'findOne', 'update', 'seat'] as const;
type Op = (typeof OPS)[number];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** CPU seconds used so far by a process (utime + stime from /proc; Linux only). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 per second on Linux
}

async function startFerret(binary: string, dataDir: string) {
  const child = spawn(binary, ['--listen-addr', '127.0.0.1:0', '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ferretdb ready (mongodb:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`${binary} exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { uri, pid: child.pid!, stop };
}

async function measure(label: string, binary: string, seconds: number, clients: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferret-bench-'));
  const server = await startFerret(binary, dataDir);
  const client = await new MongoClient(server.uri, { maxPoolSize: clients, minPoolSize: clients }).connect();
  try {
    const db = client.db('bench');
    const inbox = db.collection<{ _id: string; state: string; log: unknown[]; body: string }>('inbox');
    const inventory = db.collection<{ _id: string; available: number; sold: number }>('inventory');
    await inventory.insertOne({ _id: 'hot', available: 1e9, sold: 0 });
    await Promise.all(Array.from({ length: clients }, () => db.command({ ping: 1 }))); // open every connection

    const latencies = Object.fromEntries(OPS.map((op) => [op, [] as number[]])) as Record<Op, number[]>;
    let measuring = false;
    let stopped = false;
    const timed = async <T>(op: Op, run: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await run();
      if (measuring) latencies[op].push(performance.now() - started);
      return result;
    };
    let seq = 0;
    const lane = async (lane: number) => {
      while (!stopped) {
        const _id = `m${lane}-${seq++}`;
        await timed('insert', () => inbox.insertOne({ _id, state: 'received', log: [], body: 'x'.repeat(300) }));
        await timed('findOne', () => inbox.findOne({ _id }));
        await timed('update', () => inbox.updateOne({ _id }, { $set: { state: 'handled' }, $push: { log: { at: new Date(), by: lane } } }));
        const seat = await timed('seat', () => inventory.updateOne({ _id: 'hot', available: { $gte: 1 } }, { $inc: { available: -1, sold: 1 } }));
        if (seat.modifiedCount !== 1) throw new Error('the hot seat document refused a guarded $inc');
      }
    };
    const lanes = Promise.all(Array.from({ length: clients }, (_, i) => lane(i)));
    await new Promise((r) => setTimeout(r, 3_000)); // warm-up, not counted
    measuring = true;
    const cpu0 = { server: cpuSeconds(server.pid), bench: process.cpuUsage() };
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    measuring = false;
    const elapsed = (performance.now() - t0) / 1000;
    const serverCpu = cpuSeconds(server.pid) - cpu0.server;
    const benchCpu = (() => {
      const u = process.cpuUsage(cpu0.bench);
      return (u.user + u.system) / 1e6;
    })();
    stopped = true;
    await lanes;

    const sold = (await inventory.findOne({ _id: 'hot' }))!.sold;
    const total = OPS.reduce((n, op) => n + latencies[op].length, 0);
    const cells = OPS.map((op) => {
      const sorted = [...latencies[op]].sort((a, b) => a - b);
      return `${op} ${(sorted.length / elapsed).toFixed(0)}/s ${percentile(sorted, 50).toFixed(1)}/${percentile(sorted, 99).toFixed(1)} ms`;
    });
    console.log(
      `${label.padEnd(14)} ${(total / elapsed).toFixed(0).padStart(5)} ops/s (${(latencies.seat.length / elapsed).toFixed(0)} loops/s) | ${cells.join(' | ')}` +
        ` | cpu ferretdb ${(serverCpu / elapsed).toFixed(2)} node ${(benchCpu / elapsed).toFixed(2)} cores | seats sold ${sold}`,
    );
  } finally {
    await client.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const seconds = arg('seconds', 15);
  const clients = arg('clients', 64);
  const binaries = process.argv.slice(2).filter((a) => a.includes('='));
  if (binaries.length === 0) throw new Error('usage: ferretdb-front.js [--seconds N] [--clients N] label=/path/to/ferretdb ...');
  console.log(`${clients} clients, ${seconds} s each after 3 s warm-up, ${os.cpus().length} cores; latency p50/p99`);
  for (const spec of binaries) {
    const [label, binary] = spec.split('=');
    await measure(label, binary, seconds, clients);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
