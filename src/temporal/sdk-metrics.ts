/**
 * The Temporal SDK's own metrics (pollers, task slots, task latencies, activity failures…),
 * shown on this process's `/metrics` beside ours. Core hands them over through a buffer rather
 * than its own Prometheus listener: no second port, and the totals survive the SDK restarting
 * its runtime (it does once every worker of the process has stopped).
 */
import { MetricsBuffer, type BufferedMetricUpdate } from '@temporalio/worker';

type Kind = 'counter' | 'gauge' | 'histogram';
interface Series {
  labels: string;
  /** A counter's total, a gauge's value, a histogram's sum. */
  value: number;
  /** Histograms: how many observations in all, and at or below each bound. */
  count?: number;
  counts?: number[];
}
interface Family {
  help: string;
  kind: Kind;
  buckets: number[];
  series: Map<string, Series>;
}

/** Core's default bounds in milliseconds (sdk-core `default_buckets_for`), as its own exporter uses them; seconds for durations. */
const BOUNDS_MS: Array<[RegExp, number[]]> = [
  [/workflow_endtoend_latency$/, [100, 500, 1000, 1500, 2000, 5000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 30_600_000, 86_400_000]],
  [/workflow_task_(execution|replay)_latency$/, [1, 10, 20, 50, 100, 200, 500, 1000]],
  [/activity_execution_latency$/, [50, 100, 500, 1000, 5000, 10_000, 60_000]],
  [/(workflow_task|activity)_schedule_to_start_latency$/, [100, 500, 1000, 5000, 10_000, 100_000, 1_000_000]],
  [/./, [50, 100, 500, 1000, 2500, 10_000]],
];

function bucketsFor(name: string, unit: string | undefined): number[] {
  const bounds = BOUNDS_MS.find(([pattern]) => pattern.test(name))![1];
  return unit === 's' ? bounds.map((ms) => ms / 1000) : bounds;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labelText = (tags: object) =>
  Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${escapeLabel(String(value))}"`)
    .join(',');
const withLabels = (name: string, labels: string, extra = '') => {
  const all = [labels, extra].filter(Boolean).join(',');
  return all ? `${name}{${all}}` : name;
};

export class SdkMetrics {
  /** Core drops updates once the buffer is full, so it is drained every second while a worker runs. */
  readonly buffer = new MetricsBuffer({ maxBufferSize: 50_000, useSecondsForDurations: true });
  private readonly families = new Map<string, Family>();
  /** The SDK reuses one attributes object per label set: render each once. */
  private readonly labelCache = new WeakMap<object, string>();
  private timer: NodeJS.Timeout | undefined;
  private users = 0;

  /** A worker of this process started (drains until the last one stops). */
  retain(): void {
    if (this.users++ === 0) {
      this.timer = setInterval(() => this.drain(), 1000);
      this.timer.unref();
    }
  }

  release(): void {
    if (--this.users > 0) return;
    this.users = 0;
    clearInterval(this.timer);
    this.timer = undefined;
    this.drain();
  }

  drain(): void {
    for (const update of this.buffer.retrieveUpdates()) this.record(update);
  }

  record({ metric, value, attributes }: BufferedMetricUpdate): void {
    let family = this.families.get(metric.name);
    if (!family) {
      const kind: Kind = metric.kind === 'up-down-counter' ? 'gauge' : metric.kind;
      family = { help: metric.description || metric.name, kind, buckets: bucketsFor(metric.name, metric.unit), series: new Map() };
      this.families.set(metric.name, family);
    }
    let labels = this.labelCache.get(attributes);
    if (labels === undefined) {
      labels = labelText(attributes);
      this.labelCache.set(attributes, labels);
    }
    let series = family.series.get(labels);
    if (!series) {
      series = { labels, value: 0, ...(family.kind === 'histogram' ? { count: 0, counts: family.buckets.map(() => 0) } : {}) };
      family.series.set(labels, series);
    }
    if (metric.kind === 'gauge') series.value = value;
    else if (family.kind !== 'histogram') series.value += value; // counters and up-down counters send deltas
    else {
      series.value += value;
      series.count!++;
      family.buckets.forEach((bound, i) => {
        if (value <= bound) series.counts![i]++;
      });
    }
  }

  /** Prometheus text exposition (0.0.4) of everything recorded so far. */
  text(): string {
    this.drain();
    const blocks: string[] = [];
    for (const [name, family] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      const lines = [`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${family.kind}`];
      for (const { labels, value, count, counts } of family.series.values()) {
        if (!counts) {
          lines.push(`${withLabels(name, labels)} ${value}`);
          continue;
        }
        family.buckets.forEach((bound, i) => lines.push(`${withLabels(`${name}_bucket`, labels, `le="${bound}"`)} ${counts[i]}`));
        lines.push(`${withLabels(`${name}_bucket`, labels, 'le="+Inf"')} ${count}`);
        lines.push(`${withLabels(`${name}_sum`, labels)} ${value}`);
        lines.push(`${withLabels(`${name}_count`, labels)} ${count}`);
      }
      blocks.push(lines.join('\n'));
    }
    return blocks.length ? `${blocks.join('\n\n')}\n` : '';
  }
}

/** One per process, like the SDK's runtime it is bound to. */
export const sdkMetrics = new SdkMetrics();
