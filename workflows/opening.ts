/**
 * Opening the provider's page, and the answer `POST /checkouts` waits for (update-with-start).
 * A provider that is down is retried while the customer could still pay; the caller is never
 * left hanging: after a short wait it hears "not yet, ask again with the same order id".
 */
import { ApplicationFailure, CancellationScope, condition, setHandler } from '@temporalio/workflow';
import type { CheckoutInput, OpenedCheckout } from '../src/domain/checkout';
import type { StartedPayment } from '../src/providers/types';
import { CHECKOUT_CANCELLED, checkoutWorkflowId, IDEMPOTENCY_CONFLICT, openCheckoutUpdate, PROVIDER_UNAVAILABLE } from '../src/temporal/messages';
import { failureOf, refusal } from './failures';
import type { PaymentInbox } from './inbox';
import type { Order } from './order';
import { providerWithin } from './proxies';

/** How long one `POST /checkouts` waits for the provider's page before answering 503. */
const ANSWER_WITHIN_MS = 15_000;

export class CheckoutAnswer {
  private opened?: OpenedCheckout;
  private refused?: ApplicationFailure;
  private delivered = 0;

  constructor(input: CheckoutInput) {
    setHandler(openCheckoutUpdate, async (requestHash) => {
      if (requestHash !== input.requestHash) {
        throw ApplicationFailure.create({ type: IDEMPOTENCY_CONFLICT, message: 'order id already used with a different request', nonRetryable: true });
      }
      await condition(() => this.opened !== undefined || this.refused !== undefined, Math.min(ANSWER_WITHIN_MS, input.checkoutTimeoutMs), { summary: 'answer POST /checkouts in time' });
      if (this.refused) throw this.refused;
      if (!this.opened) {
        throw ApplicationFailure.create({ type: PROVIDER_UNAVAILABLE, message: 'the payment provider has not answered yet; ask again with the same orderId', nonRetryable: true });
      }
      return { ...this.opened, repeated: this.delivered++ > 0 };
    });
  }

  open(order: Order, started: StartedPayment): void {
    const { nextAction, expiresAt } = started;
    const { orderId, clientSecret } = order.input;
    const redirect = nextAction.type === 'redirect' ? { redirectUrl: nextAction.url } : {};
    this.opened = { orderId, workflowId: checkoutWorkflowId(orderId), status: 'pending', ...redirect, nextAction, expiresAt, clientSecret };
  }

  refuse(failure: ApplicationFailure): void {
    this.refused = failure;
  }
}

/**
 * Asks the provider for its page (or booking), retrying until the checkout's time is up. A
 * cancel asked for meanwhile wins: nobody has the page yet, so nobody can pay on it.
 */
export async function openPayment(order: Order, events: PaymentInbox): Promise<StartedPayment | ApplicationFailure> {
  const { input, orderId } = order;
  const scope = new CancellationScope();
  let started: StartedPayment | undefined;
  let failed: unknown;
  scope
    .run(() =>
      providerWithin(input.checkoutTimeoutMs).startPayment({
        orderId,
        provider: input.payment.provider,
        method: input.payment.method,
        flow: input.payment.flow,
        amount: input.amount,
        currency: input.currency,
        customer: input.customer,
        items: input.items,
        expiresInSeconds: Math.ceil(input.checkoutTimeoutMs / 1000),
        idempotencyKey: `${orderId}:start`,
      }),
    )
    .then(
      (result) => void (started = result),
      (err) => void (failed = err ?? 'failed'),
    );
  await condition(() => started !== undefined || failed !== undefined || events.cancelRequested);
  if (started) return started;
  if (failed === undefined) {
    scope.cancel();
    return ApplicationFailure.create({ type: CHECKOUT_CANCELLED, message: 'the checkout was cancelled while the payment page was opening', nonRetryable: true });
  }
  // A "no" from the provider ends at once; anything else was retried until the time ran out.
  return failureOf(failed)?.nonRetryable ? refusal(failed) : ApplicationFailure.create({ type: PROVIDER_UNAVAILABLE, message: 'the payment provider could not be reached in time', nonRetryable: true });
}
