/** Provider calls are timed at the seam, by operation and outcome, and pass answers and errors through unchanged. */
import { createMetrics } from '../../src/metrics';
import { timedProvider } from '../../src/providers/timed';
import { ProviderError, type PaymentProvider, type ProviderPayment } from '../../src/providers/types';

const payment: ProviderPayment = { paymentId: 'p1', status: 'captured', amount: 100, currency: 'JPY', owner: { orderId: 'o1', reference: 'r1' } };
const ref = { orderId: 'o1', reference: 'r1' };

test('ok, rejected (a final no) and error (worth retrying), each with its duration', async () => {
  const metrics = createMetrics();
  const provider = {
    name: 'komoju',
    inbound: {} as PaymentProvider['inbound'],
    lookup: jest.fn(async function (this: unknown) {
      expect(this).toBe(provider); // called on the provider itself
      return payment;
    }),
    capture: jest.fn(async () => {
      throw new ProviderError('already refunded', 422, 'bad_state', false);
    }),
    refund: jest.fn(async () => {
      throw new ProviderError('timed out', 0, 'timeout', true);
    }),
  } as unknown as PaymentProvider;
  const timed = timedProvider(provider, metrics.providerCalls);

  await expect(timed.lookup(ref)).resolves.toBe(payment);
  await expect(timed.capture(ref, 100, 'k1')).rejects.toThrow('already refunded');
  await expect(timed.refund(ref, 100, 'k2')).rejects.toThrow('timed out');
  expect(timed.embed).toBeUndefined();

  const { values } = await metrics.providerCalls.get();
  const counts = values.filter((v) => v.metricName === 'checkout_provider_call_duration_seconds_count').map((v) => [v.labels.operation, v.labels.outcome, v.value]);
  expect(counts).toEqual([
    ['lookup', 'ok', 1],
    ['capture', 'rejected', 1],
    ['refund', 'error', 1],
  ]);
});
