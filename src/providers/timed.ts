/** Every call through the provider seam, timed: the API's (returns, reconcile) and the worker's (activities) alike. */
import type { Metrics } from '../metrics';
import { ProviderError, type PaymentProvider } from './types';

/** `rejected`: the provider's final "no"; `error`: anything asking again may fix (timeouts, 5xx, network). */
const outcomeOf = (err: unknown) => (err instanceof ProviderError && !err.retryable ? 'rejected' : 'error');

export function timedProvider(provider: PaymentProvider, histogram: Metrics['providerCalls']): PaymentProvider {
  const time =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const end = histogram.startTimer({ provider: provider.name, operation });
      try {
        const result = await call.apply(provider, args);
        end({ outcome: 'ok' });
        return result;
      } catch (err) {
        end({ outcome: outcomeOf(err) });
        throw err;
      }
    };
  return {
    name: provider.name,
    flows: provider.flows,
    inbound: provider.inbound,
    start: time('start', provider.start),
    lookup: time('lookup', provider.lookup),
    confirmSigned: time('confirmSigned', provider.confirmSigned),
    capture: time('capture', provider.capture),
    void: time('void', provider.void),
    close: time('close', provider.close),
    refund: time('refund', provider.refund),
    ...(provider.methods ? { methods: time('methods', provider.methods) } : {}),
    ...(provider.embed ? { embed: time('embed', provider.embed) } : {}),
  };
}
