/**
 * The raw engine's baseline: a workflow with the checkout's shape and nothing else — `before`
 * activities, one signal, `after` activities — each activity a no-op.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type * as activities from './bare-activities';

export const paid = defineSignal('paid');
const { step } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });

export async function bareCheckout(before: number, after: number): Promise<void> {
  let signalled = false;
  setHandler(paid, () => {
    signalled = true;
  });
  for (let i = 0; i < before; i++) await step(i);
  await condition(() => signalled);
  for (let i = 0; i < after; i++) await step(before + i);
}
