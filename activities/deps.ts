import type { Logger } from 'pino';
import type { Store } from '../src/db/mongo';
import type { ProviderName } from '../src/domain/checkout';
import type { Mailer } from '../src/mail/mailer';
import type { PaymentProvider } from '../src/providers/types';

/** What the activities need from the outside world; the worker builds it once. */
export interface ActivityDeps {
  store: Store;
  mailer: Mailer;
  providers: Record<ProviderName, PaymentProvider | undefined>;
  publicUrl: string;
  storefrontUrl: string;
  log: Logger;
}
