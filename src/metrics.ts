import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sdkMetrics } from './temporal/sdk-metrics';

/** Provider calls and webhook handling: from a few milliseconds to a provider's 30-second timeout. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * One registry per process (per service in the tests, which run several), shared by the API
 * and the worker when both run in it (`npm start`). Names and labels: README, "Metrics and logs".
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'checkout_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    webhookBacklog: new Gauge({
      name: 'checkout_webhook_inbox_unsignalled',
      help: 'Webhook events recorded but not yet delivered to their checkout',
      registers,
    }),
    webhookDuration: new Histogram({
      name: 'checkout_webhook_duration_seconds',
      help: 'Time to verify, record and answer a provider webhook or callback, by outcome',
      labelNames: ['provider', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    providerCalls: new Histogram({
      name: 'checkout_provider_call_duration_seconds',
      help: 'Calls to a payment provider API by operation and outcome (ok, rejected: a final no, error: worth retrying)',
      labelNames: ['provider', 'operation', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    orders: new Counter({
      name: 'checkout_orders_total',
      help: 'Orders entering each status (pending: a checkout started with its seats held), counted once per order and status',
      labelNames: ['status', 'provider', 'method'] as const,
      registers,
    }),
    rejected: new Counter({
      name: 'checkout_rejected_total',
      help: 'Checkouts refused before an order was recorded, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
/** What the activities count. */
export type CheckoutMetrics = Pick<Metrics, 'orders' | 'rejected'>;

/** Our metrics, then the Temporal SDK's when a worker runs in this process: one scrape shows both. */
export async function scrape(metrics: Metrics): Promise<{ contentType: string; text: string }> {
  const [ours, sdk] = [await metrics.registry.metrics(), sdkMetrics.text()];
  return { contentType: metrics.registry.contentType, text: sdk ? `${ours}\n${sdk}` : ours };
}
