import type { Logger } from 'pino';
import type { Store } from '../src/db/mongo';
import type { Mailer } from '../src/mail/mailer';
import type { CheckoutMetrics } from '../src/metrics';
import type { Providers } from '../src/providers';

/** What the activities need from the outside world; the worker builds it once. */
export interface ActivityDeps {
  store: Store;
  mailer: Mailer;
  providers: Providers;
  publicUrl: string;
  storefrontUrl: string;
  log: Logger;
  /** Outcome counters; the worker passes its registry's, unit tests may leave them out. */
  metrics?: CheckoutMetrics;
}
