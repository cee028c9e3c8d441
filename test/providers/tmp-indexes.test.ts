import { komojuSandbox, COLLECTIONS } from '../../src/sandbox/komoju';
import { freshDb } from '../support/servers';
it('indexes', async () => {
  const { db, cleanup } = await freshDb();
  const warnings: unknown[] = [];
  const s = komojuSandbox({ db, secretKey: 'k', webhookSecret: 'w', webhookUrl: 'http://127.0.0.1:9/x',
    log: { info() {}, warn: (o, m) => warnings.push([o, m]), error: (o, m) => warnings.push([o, m]) } });
  await s.ready;
  for (const c of Object.values(COLLECTIONS)) console.log(c, JSON.stringify(await db.collection(c).indexes()));
  console.log('warnings', JSON.stringify(warnings, (k, v) => v instanceof Error ? v.message : v));
  await s.close(); await cleanup();
});
