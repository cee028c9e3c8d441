import { Router } from 'express';
import type { Db } from 'mongodb';
import { scrape, type Metrics } from '../metrics';
import type { Checkouts } from '../temporal/client';

export function healthRouter({ db, checkouts, metrics }: { db: Db; checkouts: Checkouts; metrics: Metrics }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));

  router.get('/readyz', async (_req, res) => {
    const check = async (probe: () => Promise<unknown>) => {
      try {
        await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref())]);
        return 'ok';
      } catch {
        return 'unreachable';
      }
    };
    const [mongodb, temporal] = await Promise.all([check(() => db.command({ ping: 1 })), check(() => checkouts.ping())]);
    const ready = mongodb === 'ok' && temporal === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', mongodb, temporal });
  });

  router.get('/metrics', async (_req, res) => {
    const { contentType, text } = await scrape(metrics);
    res.set('Content-Type', contentType).send(text);
  });
  return router;
}
