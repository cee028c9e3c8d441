import type { ActivityDeps } from './deps';
import { createEmailActivities } from './email';
import { createOrderActivities } from './orders';
import { createPaymentActivities } from './payments';
import { createSeatActivities } from './seats';
import { createTicketActivities } from './tickets';

export type { ActivityDeps };

/** Seats, orders and tickets: our own database, quick and retried without limit. */
export type StoreActivities = ReturnType<typeof createSeatActivities> & ReturnType<typeof createOrderActivities> & ReturnType<typeof createTicketActivities>;
/** Calls to the payment provider, through the provider seam. */
export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
/** Customer mail, once per order and kind. */
export type EmailActivities = ReturnType<typeof createEmailActivities>;

/** Every side effect of a checkout, built once by the worker from its dependencies. */
export function createActivities(deps: ActivityDeps): CheckoutActivities {
  return {
    ...createSeatActivities(deps),
    ...createOrderActivities(deps),
    ...createPaymentActivities(deps),
    ...createTicketActivities(deps),
    ...createEmailActivities(deps),
  };
}

export type CheckoutActivities = StoreActivities & PaymentActivities & EmailActivities;
