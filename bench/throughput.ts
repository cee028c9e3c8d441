/**
 * P1 (checkouts per second at a concurrency, end to end) and P2 (how fast a provider's webhook is
 * answered with 100 senders at once), each beside the raw engine's baseline in the same run.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { Engine } from './engine';
import { deliver, type Relay } from './relay';
import { FINAL, settled, type Timed } from './shop';
import { percentile, pool } from './stats';

export interface Throughput {
  concurrency: number;
  count: number;
  perSecond: number;
  endToEnd: number[];
  /** Webhook answers (saga) or signal calls (baseline), ms. */
  acks: number[];
  handOffs: number[];
  statuses: Record<string, number>;
  /** CPU seconds per checkout, by process kind (when `cpu` was given). */
  cpu: Record<string, number>;
}

/** `count` checkouts, `concurrency` at a time; `acksOf` drains the acks recorded meanwhile. */
export async function measure(
  concurrency: number,
  count: number,
  one: (i: number) => Promise<Timed & { ackMs?: number }>,
  acksOf: () => number[] = () => [],
  cpu: () => Record<string, number> = () => ({}),
): Promise<Throughput> {
  acksOf();
  const cpuBefore = cpu();
  const endToEnd: number[] = [];
  const handOffs: number[] = [];
  const ownAcks: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await pool(count, concurrency, async (i) => {
    const run = await one(i);
    endToEnd.push(run.endToEndMs);
    if (run.handOffMs !== undefined) handOffs.push(run.handOffMs);
    if (run.ackMs !== undefined) ownAcks.push(run.ackMs);
    statuses[run.status] = (statuses[run.status] ?? 0) + 1;
  });
  const seconds = (performance.now() - started) / 1000;
  const used = Object.fromEntries(Object.entries(cpu()).map(([name, total]) => [name, (total - (cpuBefore[name] ?? 0)) / count]));
  return { concurrency, count, perSecond: count / seconds, endToEnd, acks: [...ownAcks, ...acksOf()], handOffs, statuses, cpu: used };
}

export const bareRun = (engine: Engine, prefix: string, before: number, after: number) => async (i: number) => {
  const run = await engine.bareCheckout(`${prefix}-${i}`, before, after);
  return { status: 'completed', endToEndMs: run.endToEndMs, ackMs: run.signalMs };
};

export interface AckBurst {
  acks: number[];
  statuses: Record<string, number>;
}

/**
 * P2 for the saga: `prepare` runs while the relay holds every webhook (the provider's calls are
 * kept, not answered by the service); then all of them go out with `senders` at once, and every
 * order must end.
 */
export async function webhookBurst(relay: Relay, api: string, senders: number, prepare: () => Promise<string[]>): Promise<AckBurst> {
  relay.held.length = 0;
  relay.hold = true;
  let orderIds: string[];
  try {
    orderIds = await prepare();
  } finally {
    relay.hold = false;
  }
  const held = relay.held.splice(0);
  const acks: number[] = [];
  await pool(held.length, senders, async (i) => {
    acks.push(await deliver(api, held[i]));
  });
  const statuses: Record<string, number> = {};
  await pool(orderIds.length, 32, async (i) => {
    const status = await settled(api, orderIds[i]);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  return { acks, statuses };
}

/** P2 for the baseline: `count` runs waiting for their signal, signalled by `senders` at once. */
export async function signalBurst(engine: Engine, prefix: string, count: number, senders: number, after: number): Promise<AckBurst> {
  const handles: WorkflowHandle[] = [];
  for (let i = 0; i < count; i++) handles.push(await engine.client.workflow.start('bareCheckout', { taskQueue: 'bench-bare', workflowId: `${prefix}-${i}`, args: [0, after] }));
  const acks: number[] = [];
  await pool(count, senders, async (i) => {
    const started = performance.now();
    await handles[i].signal('paid');
    acks.push(performance.now() - started);
  });
  await Promise.all(handles.map((h) => h.result()));
  return { acks, statuses: { completed: count } };
}

export const allFinal = (statuses: Record<string, number>) => Object.keys(statuses).every((s) => FINAL.has(s));
export const p99 = (values: number[]) => percentile(values, 99);
