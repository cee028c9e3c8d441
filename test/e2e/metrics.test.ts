/** `/metrics` after a real checkout: our outcome counters and latencies, and the Temporal SDK's own metrics. */
import { serveMetrics } from '../../src/metrics-server';
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody, deliverKomojuEvent, payByCard } from '../support/shop';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service?.stop());

/** The value of one series of the Prometheus text (0 when absent), matching the labels given. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => has[key] === value)) total += Number(match[3]);
  }
  return total;
}

const scrape = async () => {
  const res = await http('GET', `${service.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text;
};

test('a card checkout counts one completed order, times the webhook and the provider calls, and shows the SDK metrics', async () => {
  expect((await http('POST', `${service.url}/events`, { id: 'metrics-hall', title: 'Metrics Hall', currency: 'JPY', ticketTypes: [{ id: 'floor', name: 'Floor', price: 3000, capacity: 5 }] })).status).toBe(201);
  const card = { status: 'completed', provider: 'komoju', method: 'credit_card' };
  const before = await scrape();

  const opened = await http('POST', `${service.url}/checkouts`, cardBody('metrics-1', 'metrics-hall', 'floor'));
  expect(opened.status).toBe(201);
  const paid = await payByCard(opened.json.redirectUrl);
  expect(paid.status).toBe(303);
  expect((await http('GET', paid.headers.get('location')!)).status).toBe(303);
  await eventually(() => http('GET', `${service.url}/checkouts/metrics-1`), (res) => res.json?.status === 'completed');

  const after = await eventually(scrape, (text) => sample(text, 'checkout_orders_total', card) > sample(before, 'checkout_orders_total', card));
  // Exactly one, though the webhook and the return both reported the capture.
  expect(sample(after, 'checkout_orders_total', card) - sample(before, 'checkout_orders_total', card)).toBe(1);
  const started = { status: 'pending', provider: 'komoju', method: 'credit_card' };
  expect(sample(after, 'checkout_orders_total', started) - sample(before, 'checkout_orders_total', started)).toBe(1);

  const webhooks = await eventually(scrape, (text) => sample(text, 'checkout_webhook_duration_seconds_count', { provider: 'komoju', outcome: 'accepted' }) > 0);
  for (const operation of ['start', 'lookup']) {
    expect([operation, sample(webhooks, 'checkout_provider_call_duration_seconds_count', { provider: 'komoju', operation, outcome: 'ok' })]).toEqual([operation, expect.any(Number)]);
    expect(sample(webhooks, 'checkout_provider_call_duration_seconds_count', { provider: 'komoju', operation, outcome: 'ok' })).toBeGreaterThan(0);
  }

  // Core's metrics, from this process's Temporal SDK runtime.
  expect(webhooks).toMatch(/^# TYPE temporal_\w+ (counter|gauge|histogram)$/m);
  expect(sample(webhooks, 'temporal_workflow_task_schedule_to_start_latency_count')).toBeGreaterThan(0);
  expect(sample(webhooks, 'temporal_activity_execution_latency_count', { activity_type: 'startPayment' })).toBeGreaterThan(0);
  // The database steps run as local activities, timed by their own metric.
  expect(sample(webhooks, 'temporal_local_activity_execution_latency_count', { activity_type: 'moveOrder' })).toBeGreaterThan(0);
});

test('webhooks are timed by outcome: refused (bad signature), ignored (no checkout needs it), duplicate', async () => {
  const count = (text: string, outcome: string) => sample(text, 'checkout_webhook_duration_seconds_count', { provider: 'komoju', outcome });
  const before = await scrape();
  const forged = await http('POST', `${service.url}/webhooks/komoju`, '{"id":"evt_forged"}', { 'x-komoju-signature': 'not-a-signature' });
  expect(forged.status).toBeGreaterThanOrEqual(400);
  expect((await deliverKomojuEvent(service, 'evt_metrics_ping', 'ping', {})).status).toBe(200);
  expect((await deliverKomojuEvent(service, 'evt_metrics_ping', 'ping', {})).status).toBe(200);
  const after = await scrape();
  for (const outcome of ['refused', 'ignored', 'duplicate']) expect([outcome, count(after, outcome) - count(before, outcome)]).toEqual([outcome, 1]);
});

test("the worker's own listener (npm run worker) serves its counters and the SDK's metrics", async () => {
  const listener = await serveMetrics(service.worker.metrics, 0, '127.0.0.1');
  try {
    const res = await http('GET', listener.url);
    expect(res.status).toBe(200);
    expect(sample(res.text, 'checkout_orders_total', { status: 'completed', provider: 'komoju' })).toBeGreaterThan(0);
    expect(res.text).toMatch(/^temporal_\w+/m);
    expect((await http('GET', listener.url.replace('/metrics', '/other'))).status).toBe(404);
  } finally {
    await listener.close();
  }
});
