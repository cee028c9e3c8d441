/** The SDK's buffered metric updates, as Prometheus text: counters add deltas, gauges keep the last value, histograms bucket. */
import type { BufferedMetricUpdate } from '@temporalio/worker';
import { SdkMetrics } from '../../src/temporal/sdk-metrics';

const metric = (name: string, kind: BufferedMetricUpdate['metric']['kind'], unit?: string) => ({ name, kind, unit, description: `${name} help`, valueType: 'int' as const });

test("counters, gauges, up-down counters and duration histograms (seconds, with Core's buckets)", () => {
  const sdk = new SdkMetrics();
  const queue = { task_queue: 'checkout', namespace: 'default' };
  const failed = metric('temporal_activity_execution_failed', 'counter');
  sdk.record({ metric: failed, value: 1, attributes: { ...queue, activity_type: 'capturePayment' } });
  sdk.record({ metric: failed, value: 2, attributes: { ...queue, activity_type: 'capturePayment' } });
  sdk.record({ metric: metric('temporal_worker_task_slots_available', 'gauge'), value: 99, attributes: queue });
  sdk.record({ metric: metric('temporal_worker_task_slots_available', 'gauge'), value: 97, attributes: queue });
  sdk.record({ metric: metric('temporal_in_flight', 'up-down-counter'), value: 3, attributes: {} });
  sdk.record({ metric: metric('temporal_in_flight', 'up-down-counter'), value: -1, attributes: {} });
  const latency = metric('temporal_workflow_task_execution_latency', 'histogram', 's');
  for (const value of [0.004, 0.03, 2]) sdk.record({ metric: latency, value, attributes: { ...queue, note: 'say "hi"\n' } });

  const text = sdk.text();
  expect(text).toContain('# TYPE temporal_activity_execution_failed counter');
  expect(text).toContain('temporal_activity_execution_failed{activity_type="capturePayment",namespace="default",task_queue="checkout"} 3');
  expect(text).toContain('temporal_worker_task_slots_available{namespace="default",task_queue="checkout"} 97');
  expect(text).toContain('# TYPE temporal_in_flight gauge\ntemporal_in_flight 2');
  const series = 'namespace="default",note="say \\"hi\\"\\n",task_queue="checkout"';
  expect(text).toContain(`temporal_workflow_task_execution_latency_bucket{${series},le="0.001"} 0`);
  expect(text).toContain(`temporal_workflow_task_execution_latency_bucket{${series},le="0.01"} 1`);
  expect(text).toContain(`temporal_workflow_task_execution_latency_bucket{${series},le="1"} 2`);
  expect(text).toContain(`temporal_workflow_task_execution_latency_bucket{${series},le="+Inf"} 3`);
  expect(text).toContain(`temporal_workflow_task_execution_latency_count{${series}} 3`);
  expect(Number(/^temporal_workflow_task_execution_latency_sum\{.*\} (\S+)$/m.exec(text)![1])).toBeCloseTo(2.034);
});

test('nothing recorded: no text', () => {
  expect(new SdkMetrics().text()).toBe('');
});
