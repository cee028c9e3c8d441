import type { Config } from '../config';
import type { ProviderName } from '../domain/checkout';
import { createKomojuProvider } from './komoju/provider';
import type { PaymentProvider } from './types';

export type Providers = Partial<Record<ProviderName, PaymentProvider>>;

/** Every enabled provider by name; the workflow reaches them only through the payment activities. */
export function createProviders(config: Config): Providers {
  return {
    ...(config.komoju.enabled ? { komoju: createKomojuProvider(config.komoju) } : {}),
    // Resurs Bank (simplified, hosted, Resurs Checkout) plugs in here.
  };
}
