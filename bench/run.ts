/**
 * `npm run bench`: the checkout measured from outside, over HTTP, beside the raw engine on the
 * same servers in the same run; prints one table and writes it into BENCHMARKS.md.
 *   npm run bench                       everything (under 10 minutes on 2 cores)
 *   npm run bench -- --only p1,p2       some parts: p1 p2 resurs p3 p4 scale
 *   npm run bench -- --quick            small counts, to try the harness
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectEngine } from './engine';
import { machine, table, writeBenchmarks, type Row } from './report';
import { startRelay } from './relay';
import { cpuByName, startAllInOne, type Proc } from './service';
import { cardCheckout, cardPaid, createEvent, resursSigningCheckout } from './shop';
import { p50p99, percentile, ratio } from './stats';
import { bareRun, measure, signalBurst, webhookBurst, type Throughput } from './throughput';
import { spawn } from 'node:child_process';
import { projectRoot } from '../src/stack/tools';
import { shapeOf } from './engine';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = new Set((args.find((a) => a.startsWith('--only'))?.split('=')[1] ?? args[args.indexOf('--only') + 1] ?? 'p1,p2,resurs,p3,p4,scale').split(','));
const CONCURRENCIES = [1, 16, 64];
const countAt = (c: number) => (quick ? Math.max(4, c) : Math.max(20, c * 5));
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-bench-'));
  say(`logs and data under ${dir}`);
  const rows: Row[] = [];
  const relay = await startRelay();
  const service = await startAllInOne(path.join(dir, 'all-in-one'), relay.url);
  relay.setTargets(service.apis);
  const bare = startBareWorker(service.temporalAddress, dir);
  const engine = await connectEngine(service.temporalAddress);
  const cpu = () => ({ ...cpuByName(service.procs.map((p) => p.child.pid!)), bench: cpuSeconds() });
  const bareCpu = () => ({ ...cpuByName([...service.procs.map((p) => p.child.pid!), bare.child.pid!]), bench: cpuSeconds() });
  try {
    await createEvent(relay.url, 'bench', 1_000_000);
    say('warming up');
    await measure(4, quick ? 4 : 12, (i) => cardCheckout(relay.url, 'bench', `warm-${i}`));
    const shape = await shapeOf(engine.client, 'warm-0');
    const steps = shape.activities + shape.local;
    say(`a card checkout: ${shape.activities} activities, ${shape.local} local activities, ${shape.signals} signal, ${shape.updates} update, ${shape.events} history events`);
    await measure(4, 8, bareRun(engine, 'warm-bare', 3, steps - 3));

    if (only.has('p1')) {
      for (const c of CONCURRENCIES) {
        say(`P1 card checkouts at concurrency ${c}`);
        const saga = await measure(c, countAt(c), (i) => cardCheckout(relay.url, 'bench', `card-${c}-${i}`), () => relay.acks.komoju?.splice(0) ?? [], cpu);
        const base = await measure(c, countAt(c), bareRun(engine, `bare-${c}`, 3, steps - 3), undefined, bareCpu);
        rows.push(...throughputRows(`P1 card, concurrency ${c}`, saga, base, c === 64));
      }
    }
    if (only.has('p2')) {
      const n = quick ? 50 : 300;
      say(`P2 ${n} card webhooks, 100 senders`);
      const saga = await webhookBurst(relay, service.apis[0], 100, async () => {
        const ids = Array.from({ length: n }, (_, i) => `burst-${i}`);
        await measure(32, n, async (i) => {
          await cardPaid(relay.url, 'bench', ids[i]);
          return { status: 'paid', endToEndMs: 0 };
        });
        return ids;
      });
      const base = await signalBurst(engine, 'bare-burst', n, 100, steps - 3);
      rows.push({ measure: 'P2 webhook answer p50 / p99 (100 senders)', saga: p50p99(saga.acks), baseline: `${p50p99(base.acks)} (signal)`, ratio: ratio(percentile(saga.acks, 99), percentile(base.acks, 99)), target: '≤ 2× at p99', met: percentile(saga.acks, 99) <= 2 * percentile(base.acks, 99) });
      rows.push({ measure: 'P2 orders after the burst', saga: statusLine(saga.statuses), met: saga.statuses.completed === n });
    }
    if (only.has('resurs')) {
      for (const c of CONCURRENCIES) {
        say(`Resurs signing checkouts at concurrency ${c}`);
        const saga = await measure(c, countAt(c), (i) => resursSigningCheckout(relay.url, 'bench', `rs-${c}-${i}`), () => relay.acks.resurs?.splice(0) ?? []);
        const base = await measure(c, countAt(c), bareRun(engine, `bare-rs-${c}`, 3, steps - 3));
        rows.push(...throughputRows(`Resurs signing, concurrency ${c}`, saga, base, false));
        rows.push({ measure: `Resurs signing, concurrency ${c}: coming back signed p50 / p99`, saga: p50p99(saga.handOffs), baseline: `${p50p99(base.acks)} (signal)` });
      }
    }
  } finally {
    await engine.close();
    await bare.stop();
    await service.stop();
  }

  const section = [`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}${quick ? ' (--quick: small counts)' : ''}.`, '', table(rows)].join('\n');
  console.log(`\n${section}\n`);
  if (!quick && only.size >= 6) say(`written to ${writeBenchmarks(section)}`);
  await relay.close();
}

function throughputRows(name: string, saga: Throughput, base: Throughput, target5x: boolean): Row[] {
  const met = saga.perSecond >= base.perSecond;
  return [
    { measure: `${name}: checkouts/s`, saga: saga.perSecond.toFixed(1), baseline: base.perSecond.toFixed(1), ratio: ratio(saga.perSecond, base.perSecond), target: target5x ? '≥ 1.0× and ≥ 10/s (5× 2.0)' : '≥ 1.0×', met: target5x ? met && saga.perSecond >= 10 : met },
    { measure: `${name}: end to end p50 / p99`, saga: p50p99(saga.endToEnd), baseline: p50p99(base.endToEnd) },
    { measure: `${name}: webhook answer p50 / p99`, saga: p50p99(saga.acks), baseline: `${p50p99(base.acks)} (signal)` },
    { measure: `${name}: CPU per checkout`, saga: cpuLine(saga.cpu), baseline: cpuLine(base.cpu) },
    ...(Object.keys(saga.statuses).some((s) => s !== 'completed') ? [{ measure: `${name}: outcomes`, saga: statusLine(saga.statuses), met: false }] : []),
  ];
}

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** CPU per checkout by process kind, largest first: where the machine's two cores went. */
const cpuLine = (cpu: Record<string, number>) =>
  Object.entries(cpu)
    .filter(([, s]) => s >= 0.001)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${Math.round(s * 1000)} ms`)
    .join(', ');

const statusLine = (statuses: Record<string, number>) => Object.entries(statuses).map(([s, n]) => `${n} ${s}`).join(', ');

function startBareWorker(address: string, dir: string): Proc {
  const log = path.join(dir, 'bare-worker.log');
  const out = fs.openSync(log, 'a');
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'bench', 'bare-worker.js')], { env: { ...process.env, TEMPORAL_ADDRESS: address }, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { name: 'bare-worker', child, log, rss: () => 0, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
