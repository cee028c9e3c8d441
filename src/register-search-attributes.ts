/**
 * `npm run temporal:search-attributes`: registers the checkout's search attributes on the
 * Temporal cluster at TEMPORAL_ADDRESS, namespace TEMPORAL_NAMESPACE (default `default`). Those
 * already there are left alone, so it is safe to run on every deploy.
 */
import { Connection } from '@temporalio/client';
import { registerSearchAttributes } from './temporal/search-attributes';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  if (!address) throw new Error('set TEMPORAL_ADDRESS to the cluster (e.g. temporal:7233)');
  const connection = await Connection.connect({ address });
  try {
    const { added, present } = await registerSearchAttributes(connection, namespace);
    console.log(`namespace ${namespace}: added ${added.join(', ') || 'none'}; already there: ${present.join(', ') || 'none'}`);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(`temporal:search-attributes failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
