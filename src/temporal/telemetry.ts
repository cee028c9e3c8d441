/**
 * What the Temporal SDK's runtime is created with: its metrics into our buffer, its logs into
 * our pino loggers. The runtime is one per process and is created by the first worker
 * connection (and again after every worker stopped), from `Runtime.defaultOptions`; setting
 * those rather than calling `Runtime.install` works however often workers start and stop.
 */
import { Runtime } from '@temporalio/worker';
import { sdkLogs } from './sdk-logs';
import { sdkMetrics } from './sdk-metrics';

/** Call before a worker connects. A runtime already running keeps its options until it stops. */
export function prepareTemporalRuntime(): void {
  const options = Runtime.defaultOptions;
  const telemetry = options.telemetryOptions ?? {};
  Runtime.defaultOptions = {
    ...options,
    // A logger chosen before us stays (the tests' quiet one); else each worker's own pino logger.
    logger: options.logger ?? sdkLogs,
    telemetryOptions: {
      ...telemetry,
      // Core's own warnings reach the same logger instead of going straight to the console.
      logging: telemetry.logging ?? { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      metrics: telemetry.metrics ?? { buffer: sdkMetrics.buffer },
    },
  };
}
