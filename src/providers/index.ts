import type { Config } from '../config';
import type { ProviderName } from '../domain/checkout';
import { createKomojuProvider } from './komoju/provider';
import { apiDataKey } from './resurs/api-data';
import { createResursProvider } from './resurs/provider';
import type { PaymentProvider } from './types';

export type Providers = Partial<Record<ProviderName, PaymentProvider>>;

/** Every enabled provider by name; the workflow reaches them only through the payment activities. */
export function createProviders(config: Config): Providers {
  return {
    ...(config.komoju.enabled ? { komoju: createKomojuProvider(config.komoju) } : {}),
    // The landing links' apiData is signed with a key only this service knows (derived from the password).
    ...(config.resurs.enabled ? { resurs: createResursProvider({ ...config.resurs, apiDataKey: apiDataKey(config.resurs.password) }) } : {}),
  };
}
