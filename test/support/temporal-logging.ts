/**
 * Jest setupFiles: the Temporal SDK logs for every worker state change and core warns whenever a
 * workflow task is slow, which buries test failures in CI output. Keep WARN and above, minus the
 * slow-task warning: shared CI machines make it noise, and a test that cares fails on a timeout.
 */
import { inspect, types } from 'node:util';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

/**
 * Core's "[TMPRL1104] … Workflow task duration exceeded N seconds." The telemetry filter can
 * only pick targets, and its target (…::managed_run) also reports nondeterminism, so core logs are
 * forwarded here and this one is dropped by its code.
 */
const DROPPED = /\[TMPRL1104\]/;
/** Long and of no use when reading a test run. */
const OMITTED = new Set(['taskToken', 'spanContexts']);

/** An error as its message and at most three frames of our own code (not the SDK's, not Node's). */
function brief(error: Error): string {
  const lines = (error.stack ?? `${error.name}: ${error.message}`).split('\n');
  const isFrame = (line: string) => /^\s+at /.test(line);
  const ours = lines.filter((l) => isFrame(l) && !/node_modules|node:/.test(l)).slice(0, 3);
  return [...lines.filter((l) => !isFrame(l)), ...ours.map((l) => `  ${l.trim()}`)].join('\n    ');
}

/** One line per entry, an error below it. */
function print({ level, message, meta = {}, timestampNanos }: LogEntry): void {
  if (DROPPED.test(message)) return;
  const at = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
  const { error, ...rest } = meta as { error?: unknown } & Record<string, unknown>;
  const fields = Object.entries(rest).filter(([key, value]) => !OMITTED.has(key) && value !== undefined);
  const details = fields.length ? ` ${inspect(Object.fromEntries(fields), { breakLength: Infinity, depth: 3 })}` : '';
  // isNativeError: errors from Node's own modules come from outside jest's realm.
  const cause = types.isNativeError(error) ? `\n    ${brief(error)}` : error === undefined ? '' : ` error=${inspect(error)}`;
  process.stderr.write(`${at} [temporal ${level}] ${message}${details}${cause}\n`);
}

/*
 * The options the SDK creates its Runtime with on first use (and again after it shut down once
 * idle). Not Runtime.install(): that starts the native runtime in every test file at once, and in
 * a file that never runs a worker nothing shuts it down, so jest never exits.
 */
Runtime.defaultOptions = {
  logger: new DefaultLogger('WARN', print),
  telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
};
