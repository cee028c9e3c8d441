/**
 * The Temporal SDK's logs — workflows' `log.*`, the activity context's lines, the worker's and
 * Core's — written by our pino logger, so they are JSON (or readable lines under `npm start`)
 * like the rest and carry the order id beside the workflow id.
 */
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from 'pino';
import { orderIdFromWorkflowId } from './messages';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
/** Opaque to a reader and long (the task token is also a credential for completing the task). */
const DROPPED = new Set(['taskToken', 'spanContexts']);

/**
 * The SDK has one logger per process; each worker's entries go to that worker's logger, found
 * by the task queue they name (the tests run several services in one process). Entries naming
 * no known queue (Core's own) go to the logger of the worker started last.
 */
export class SdkLogRouter implements SdkLogger {
  private readonly byQueue = new Map<string, Logger>();
  private fallback: Logger | undefined;

  route(taskQueue: string, log: Logger): void {
    this.byQueue.set(taskQueue, log);
    this.fallback = log;
  }

  unroute(taskQueue: string): void {
    this.byQueue.delete(taskQueue);
    if (this.fallback && ![...this.byQueue.values()].includes(this.fallback)) this.fallback = [...this.byQueue.values()].pop();
  }

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    const target = (typeof meta.taskQueue === 'string' && this.byQueue.get(meta.taskQueue)) || this.fallback;
    if (!target) return;
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(meta)) if (!DROPPED.has(key) && value !== undefined) fields[key] = value;
    const { error, ...rest } = fields;
    const orderId = rest.orderId ?? (typeof rest.workflowId === 'string' ? orderIdFromWorkflowId(rest.workflowId) : null);
    target[LEVELS[level] ?? 'info']({ ...rest, ...(orderId ? { orderId } : {}), ...(error !== undefined ? { err: error } : {}) }, message);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** One per process, like the SDK's runtime it is given to. */
export const sdkLogs = new SdkLogRouter();
