/**
 * What both sandboxes need to deliver their webhooks and callbacks the way real providers do:
 * one attempt (any answer counts as an answer, a redirect is not followed), a doubling backoff,
 * and pauses that closing the sandbox cuts short.
 */
import pLimit from 'p-limit';

/**
 * Attempts one sandbox has in flight at once. A provider delivers a burst (every konbini slip
 * of a day falls due at 23:59:59 JST) over a few connections at a time; all at once, the shop's
 * answers queued past the attempt timeout and each retry lengthened the queue.
 */
export const ATTEMPTS_AT_ONCE = 16;

/** Runs delivery attempts ATTEMPTS_AT_ONCE at a time; the rest wait their turn (still `pending` on record). */
export const deliveryLanes = () => pLimit(ATTEMPTS_AT_ONCE);

export interface AttemptResult {
  status: number | null;
  error: string | null;
}

export async function attemptDelivery(url: string, init: { method: string; headers: Record<string, string>; body?: string }, timeoutMs = 10_000): Promise<AttemptResult> {
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, error: null };
  } catch (err) {
    const message = (err as { message?: unknown } | null)?.message;
    return { status: null, error: typeof message === 'string' ? message : String(err) };
  }
}

/** Wait before attempt `attempt + 1`: base, 2×base, 4×base… capped. */
export function retryDelay(attempt: number, baseMs = 500, maxMs = 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

/** Timers that `wakeAll()` ends at once, so closing never waits out a long backoff. */
export class Pauses {
  private readonly wakers = new Set<() => void>();

  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  wakeAll(): void {
    for (const wake of this.wakers) wake();
  }
}

/**
 * Writes a delivery's record, trying again while the database is unreachable. The sandboxes keep
 * their records in the shop's own database, which a real provider does not: an outage of it must
 * not end a delivery half-way (left `pending` until the next start), as KOMOJU's or Resurs' own
 * retries would go on. Gives up (the delivery stays as last recorded) once closed or after `tries`.
 */
export async function recordDelivery(write: () => Promise<unknown>, pauses: Pauses, closed: () => boolean, tries = 120): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return;
    } catch (err) {
      if (closed() || attempt >= tries) throw err;
      await pauses.pause(1_000);
    }
  }
}
