import type { ActivityDeps } from './deps';
import { createEmailActivities } from './email';
import { createOrderActivities } from './orders';
import { createPaymentActivities } from './payments';
import { createSeatActivities } from './seats';
import { createTicketActivities } from './tickets';

export type { ActivityDeps };

/** Every side effect of a checkout, built once by the worker from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSeatActivities(deps),
    ...createOrderActivities(deps),
    ...createPaymentActivities(deps),
    ...createTicketActivities(deps),
    ...createEmailActivities(deps),
  };
}

export type CheckoutActivities = ReturnType<typeof createActivities>;
