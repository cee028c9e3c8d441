/** Jest globalTeardown: stops the servers global-setup.ts started and removes their files. */
import fs from 'node:fs';
import type { GlobalStack } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { __checkoutSagasStack?: GlobalStack }).__checkoutSagasStack;
  if (!stack) return;
  globalThis.__checkoutSagasStack = undefined;
  await Promise.all([stack.temporal?.stop(), stack.mongo?.stop()]);
  fs.rmSync(stack.envFile, { force: true });
  fs.rmSync(stack.tmpDir, { recursive: true, force: true });
}
