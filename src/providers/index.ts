import type { Config } from '../config';
import type { ProviderName } from '../domain/checkout';
import { createKomojuProvider } from './komoju/provider';
import type { PaymentProvider } from './types';

/** Every configured provider by name; the workflow reaches them only through activities. */
export function createProviders(config: Config): Record<ProviderName, PaymentProvider | undefined> {
  return {
    komoju: createKomojuProvider(config.komoju),
    resurs: undefined, // next: Resurs Bank (simplified, hosted, RCO)
  };
}
