/** Reading what an activity threw. */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The business failure inside an activity failure, if any. */
export function failureOf(err: unknown): ApplicationFailure | undefined {
  const inner = err instanceof ActivityFailure ? err.cause : err;
  return inner instanceof ApplicationFailure ? inner : undefined;
}

/** The failure the API shows the caller, from whatever an activity threw. */
export function refusal(err: unknown, fallbackType = 'Failed'): ApplicationFailure {
  const cause = failureOf(err);
  return ApplicationFailure.create({ type: cause?.type ?? fallbackType, message: cause?.message ?? String(err), details: cause?.details ?? [], nonRetryable: true });
}
