/**
 * `npm run bench`: the checkout measured from outside, over HTTP, beside the raw engine on the
 * same servers in the same run; prints one table and writes it into BENCHMARKS.md.
 *   npm run bench                       everything (about an hour on 2 cores, most of it P3 with 10,000)
 *   npm run bench -- --only p1,p2       some parts: p1 p2 resurs p3 p4 scale
 *   npm run bench -- --quick            small counts, to try the harness
 *   npm run bench -- --waiting=2000     P3 with fewer waiting checkouts (10,000 take the better part of an hour)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectEngine } from './engine';
import { machine, table, writeBenchmarks, type Row } from './report';
import { cpuByName, startAllInOne, startProc, startSplit } from './service';
import { startRelay, type Relay } from './relay';
import { scaleRun } from './scale';
import { timeNpmStart } from './startup';
import { manyWaiting } from './waiting';
import { cardCheckout, cardPaid, createEvent, resursSigningCheckout, retried } from './shop';
import { mb, ms, p50p99, percentile, ratio } from './stats';
import { bareRun, measure, signalBurst, webhookBurst, type Throughput } from './throughput';
import { projectRoot } from '../src/stack/tools';
import { shapeOf } from './engine';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const PARTS = 'p1,p2,resurs,p3,p4,scale';
const onlyAt = args.indexOf('--only');
const only = new Set((args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (onlyAt >= 0 ? args[onlyAt + 1] : undefined) ?? PARTS).split(','));
const CONCURRENCIES = [1, 16, 64];
const waitingCount = Number(args.find((a) => a.startsWith('--waiting='))?.split('=')[1] ?? (quick ? 300 : 10_000));
const countAt = (c: number) => (quick ? Math.max(4, c) : Math.max(20, c * 5));
// Resurs' sandbox speaks SOAP and a signing takes more steps: fewer checkouts keep the run short.
const resursCountAt = (c: number) => (quick ? Math.max(4, c) : Math.max(10, c * 2));
const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-bench-'));
  say(`logs and data under ${dir}`);
  const rows: Row[] = [];
  const relay = await startRelay();
  // A part that fails is a row of the table (missed), not the end of the run; the run then exits 1.
  let failed = 0;
  const part = async (name: string, run: () => Promise<Row[]>) => {
    try {
      rows.push(...(await run()));
    } catch (err) {
      failed++;
      say(`${name} failed: ${(err as Error).message}`);
      rows.push({ measure: `${name} failed`, saga: (err as Error).message.replace(/\|/g, '/'), met: false });
    }
  };
  if (['p1', 'p2', 'resurs'].some((name) => only.has(name))) await part('P1, P2, Resurs', () => allInOneRows(dir, relay));
  if (only.has('p3')) await part('P3', () => waitingRows(dir, relay, waitingCount));
  if (only.has('p4')) await part('P4', () => startupRows(dir));
  if (only.has('scale')) await part('Scale-out', () => scaleRows(dir, relay, quick ? 64 : 320));

  if (retried.count > 0) rows.push({ measure: 'POST /checkouts answered 503 (provider not answering yet), asked again by the shop', saga: String(retried.count) });
  const section = [`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}${quick ? ' (--quick: small counts)' : ''}.`, '', table(rows)].join('\n');
  console.log(`\n${section}\n`);
  if (!quick && only.size >= 6) say(`written to ${writeBenchmarks(section)}`);
  await relay.close();
  if (failed > 0) process.exitCode = 1;
}

/** P1, P2 and Resurs: `npm start`'s single process, beside the raw engine on its Temporal server. */
async function allInOneRows(dir: string, relay: Relay): Promise<Row[]> {
  const rows: Row[] = [];
  const service = await startAllInOne(path.join(dir, 'all-in-one'), relay.url);
  relay.setTargets(service.apis);
  const bare = startProc('bare-worker', path.join(projectRoot(), 'dist', 'bench', 'bare-worker.js'), { TEMPORAL_ADDRESS: service.temporalAddress }, dir);
  const engine = await connectEngine(service.temporalAddress);
  const cpu = () => ({ ...cpuByName(service.procs.map((p) => p.child.pid!)), bench: cpuSeconds() });
  const bareCpu = () => ({ ...cpuByName([...service.procs.map((p) => p.child.pid!), bare.child.pid!]), bench: cpuSeconds() });
  try {
    await createEvent(relay.url, 'bench', 1_000_000);
    say('warming up');
    await measure(4, quick ? 4 : 12, (i) => cardCheckout(relay.url, 'bench', `warm-${i}`));
    const shape = await shapeOf(engine.client, 'warm-0');
    const steps = shape.activities + shape.local;
    say(`a card checkout: ${shape.activities} activities, ${shape.local} local activities, ${shape.signals} signal, ${shape.updates} update, ${shape.tasks} workflow tasks, ${shape.events} history events`);
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
        const saga = await measure(c, resursCountAt(c), (i) => resursSigningCheckout(relay.url, 'bench', `rs-${c}-${i}`), () => relay.acks.resurs?.splice(0) ?? [], cpu);
        const base = await measure(c, resursCountAt(c), bareRun(engine, `bare-rs-${c}`, 3, steps - 3), undefined, bareCpu);
        rows.push(...throughputRows(`Resurs signing, concurrency ${c}`, saga, base, false));
        rows.push({ measure: `Resurs signing, concurrency ${c}: coming back signed p50 / p99`, saga: p50p99(saga.handOffs), baseline: `${p50p99(base.acks)} (signal)` });
      }
    }
  } finally {
    await engine.close();
    await bare.stop();
    await service.stop();
  }

  return rows;
}

async function waitingRows(dir: string, relay: Relay, count: number): Promise<Row[]> {
  say(`P3 ${count} konbini checkouts waiting at once (one API and one worker process)`);
  const service = await startSplit(path.join(dir, 'p3'), relay.url, { apis: 1, workers: 1 }, { KONBINI_GRACE: '10s' });
  relay.setTargets(service.apis);
  try {
    const r = await manyWaiting(service, relay.url, count, say);
    const { available, reserved, sold, capacity } = r.seats;
    return [
      { measure: `P3 ${count} konbini checkouts started`, saga: `${r.createdPerSecond.toFixed(1)}/s` },
      { measure: `P3 RSS with ${r.waiting} waiting at once (before the first deadline)`, saga: `worker ${mb(r.rss.worker)}, API ${mb(r.rss.api)}, database ${mb(r.rss.database)}, Temporal ${mb(r.rss.temporal)}`, target: 'worker ≤ 400 MB', met: r.rss.worker <= 400 * 2 ** 20 },
      { measure: 'P3 worker RSS at its largest while the slips were taken', saga: mb(r.workerPeak) },
      { measure: 'P3 drain after the deadlines', saga: `${r.drainSeconds.toFixed(0)} s: ${statusLine(r.statuses)}`, target: 'all expired', met: r.statuses.expired === count },
      { measure: 'P3 seats after the drain', saga: `${available} of ${capacity} available, ${reserved} reserved, ${sold} sold`, target: 'all back', met: available === capacity && reserved === 0 && sold === 0 },
    ];
  } finally {
    await service.stop();
  }
}

/** P4: `npm start` to its ready line, empty, then on P3's data (its finished checkouts). */
async function startupRows(dir: string): Promise<Row[]> {
  say('P4 npm start to ready');
  const empty = await timeNpmStart({ dataDir: path.join(dir, 'p4-empty') });
  const p3 = path.join(dir, 'p3', 'data');
  const existing = fs.existsSync(p3) ? await timeNpmStart({ dataDir: p3 }) : undefined;
  return [
    { measure: 'P4 npm start to ready, empty', saga: ms(empty.readyMs), target: '≤ 10 s', met: empty.readyMs <= 10_000 },
    ...(existing ? [{ measure: 'P4 npm start to ready, with P3\'s finished checkouts', saga: ms(existing.readyMs), target: '≤ 10 s', met: existing.readyMs <= 10_000 }] : []),
  ];
}

async function scaleRows(dir: string, relay: Relay, count: number): Promise<Row[]> {
  const runs = [];
  for (const shape of [{ apis: 1, workers: 1 }, { apis: 2, workers: 2 }]) {
    say(`scale-out: ${shape.apis} API + ${shape.workers} worker processes, card checkouts at concurrency 64`);
    runs.push(await scaleRun(path.join(dir, `scale-${shape.apis}x${shape.workers}`), relay, shape, 64, count));
  }
  const [one, two] = runs;
  return runs.map((r) => ({
    measure: `Scale-out: ${r.apis} API + ${r.workers} worker processes, checkouts/s at 64`,
    saga: `${r.run.perSecond.toFixed(1)} (${r.detail})`,
    ratio: r === two ? ratio(two.run.perSecond, one.run.perSecond) : undefined,
    target: r === two ? 'more than one of each, exactly once' : 'exactly once',
    met: r.exactlyOnce && (r === one || two.run.perSecond > one.run.perSecond),
  }));
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

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
