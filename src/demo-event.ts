import type { Config } from './config';

/**
 * With the sandboxes, a fresh `npm start` has something to buy at once: the demo event, created
 * through the API itself the first time (a 409 afterwards: it exists, perhaps partly sold).
 */
export async function offerDemoEvent(config: Config, apiUrl: string, log: { warn(obj: object, msg: string): void }): Promise<'created' | 'exists' | 'skipped' | 'failed'> {
  if (!config.komoju.sandbox && !config.resurs.sandbox) return 'skipped';
  const res = await fetch(`${apiUrl}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(config.adminToken ? { authorization: `Bearer ${config.adminToken}` } : {}) },
    body: JSON.stringify({ id: 'demo', title: 'Demo: Live at Budokan', currency: 'JPY', ticketTypes: [{ id: 'general', name: 'General', price: 3000, capacity: 100 }, { id: 'vip', name: 'VIP', price: 12000, capacity: 20 }] }),
  }).catch((err: unknown) => ({ ok: false, status: 0, err }));
  if (res.ok) return 'created';
  if (res.status === 409) return 'exists';
  log.warn({ status: res.status }, 'could not create the demo event');
  return 'failed';
}
