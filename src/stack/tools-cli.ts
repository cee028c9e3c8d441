/** `npm run tools`: fetches/builds the embedded stack's binaries once and prints where they are. */
import { ensureAllTools } from './tools';

async function main(): Promise<void> {
  const started = Date.now();
  const tools = await ensureAllTools();
  const sdk = '(not cached: the Temporal SDK downloads its own at start)';
  console.log(`temporal CLI:          ${tools.temporalCli ?? sdk}`);
  console.log(`temporal test server:  ${tools.temporalTestServer ?? sdk}`);
  console.log(`ferretdb:              ${tools.ferretDb}`);
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
