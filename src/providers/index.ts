import type { Config } from '../config';
import type { ProviderName } from '../domain/checkout';
import type { Metrics } from '../metrics';
import { createKomojuProvider } from './komoju/provider';
import { apiDataKey } from './resurs/api-data';
import { createResursProvider } from './resurs/provider';
import { timedProvider } from './timed';
import type { PaymentProvider } from './types';

export type Providers = Partial<Record<ProviderName, PaymentProvider>>;

/** Every enabled provider by name; the workflow reaches them only through the payment activities. With metrics, each call is timed. */
export function createProviders(config: Config, metrics?: Pick<Metrics, 'providerCalls'>): Providers {
  const timed = (provider: PaymentProvider) => (metrics ? timedProvider(provider, metrics.providerCalls) : provider);
  return {
    ...(config.komoju.enabled ? { komoju: timed(createKomojuProvider(config.komoju)) } : {}),
    // The landing links' apiData is signed with a key only this service knows (derived from the password).
    ...(config.resurs.enabled ? { resurs: timed(createResursProvider({ ...config.resurs, apiDataKey: apiDataKey(config.resurs.password) })) } : {}),
  };
}
