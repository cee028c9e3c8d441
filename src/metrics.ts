import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, so tests can build several apps without clashing names. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'checkout_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    webhookBacklog: new Gauge({
      name: 'checkout_webhook_inbox_unsignalled',
      help: 'Webhook events recorded but not yet delivered to their checkout',
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
