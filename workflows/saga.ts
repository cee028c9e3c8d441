/**
 * Undo steps registered next to the step they undo and run in reverse order. They run in a
 * non-cancellable scope so an operator's cancel cannot stop a refund half-way, and a failing
 * undo does not stop the others: all failures are reported together at the end.
 */
import { ApplicationFailure, CancellationScope, log } from '@temporalio/workflow';

export class Compensations {
  private readonly steps: Array<{ name: string; undo: () => Promise<unknown> }> = [];

  add(name: string, undo: () => Promise<unknown>): void {
    this.steps.push({ name, undo });
  }

  async run(): Promise<void> {
    const failed: string[] = [];
    await CancellationScope.nonCancellable(async () => {
      for (const { name, undo } of [...this.steps].reverse()) {
        try {
          await undo();
        } catch (err) {
          log.error('compensation failed', { step: name, error: String(err) });
          failed.push(name);
        }
      }
    });
    this.steps.length = 0;
    if (failed.length > 0) {
      throw ApplicationFailure.nonRetryable(`compensation failed: ${failed.join(', ')}`, 'CompensationFailed');
    }
  }
}

/** Runs tasks one after another, in the order they asked: a late payment and an operator's "mark paid" never settle twice. */
export class Turns {
  private last: Promise<unknown> = Promise.resolve();

  take<T>(task: () => Promise<T>): Promise<T> {
    const run = this.last.then(task);
    this.last = run.catch(() => undefined);
    return run;
  }
}
