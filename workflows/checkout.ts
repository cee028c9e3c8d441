/**
 * The checkout saga: hold seats → record the order → open the provider's page → await payment
 * → complete (or cancel). Every redirect, webhook, timer and operator action reaches this one
 * history as a signal; the activities do the side effects.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CheckoutActivities } from '../activities';
import type { EmailKind } from '../activities/email';
import type { CheckoutInput, OpenedCheckout, OrderStatus, Ticket } from '../src/domain/checkout';
import type { ProviderPayment } from '../src/providers/types';
import { checkoutWorkflowId } from '../src/temporal/ids';
import { PaymentInbox, type ReceivedEvent } from './inbox';
import { openCheckoutUpdate, paymentSignals, statusQuery, IDEMPOTENCY_CONFLICT, type PaymentEventKind } from './messages';
import { Compensations } from './saga';
import { CheckoutStatus, EventId, PaymentMethod, PaymentProvider } from './search-attributes';
import { CheckoutState } from './state';

const BUSINESS_FAILURES = ['SoldOut', 'NoHold', 'ProviderRejected', 'ProviderMissing', 'OrderNotFound', 'PaymentMismatch'];

// One proxy per timeout profile. Transient failures retry without limit (operators see the
// attempts in the UI); only business failures above end a step for good.
const store = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m', nonRetryableErrorTypes: BUSINESS_FAILURES },
});
const provider = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', maximumInterval: '2m', nonRetryableErrorTypes: BUSINESS_FAILURES },
});
const mail = proxyActivities<CheckoutActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '5m', nonRetryableErrorTypes: BUSINESS_FAILURES },
});

export type CheckoutOutcome = { status: OrderStatus | 'rejected'; reason: string };

type Decision = { kind: 'paid'; payment: ProviderPayment } | { kind: 'cancel'; reason: string };

export async function checkout(input: CheckoutInput): Promise<CheckoutOutcome> {
  const { orderId } = input;
  const state = new CheckoutState(input);
  const inbox = new PaymentInbox();
  const undo = new Compensations();
  let opened: OpenedCheckout | undefined;
  let rejection: ApplicationFailure | undefined;
  let answered = 0;

  setHandler(statusQuery, () => state.view);
  for (const [kind, signal] of Object.entries(paymentSignals)) {
    setHandler(signal, (event) => {
      if (!inbox.push(kind as PaymentEventKind, event)) log.info('duplicate payment event ignored', { kind, eventId: event.eventId });
    });
  }
  setHandler(openCheckoutUpdate, async (requestHash) => {
    if (requestHash !== input.requestHash) {
      throw ApplicationFailure.create({ type: IDEMPOTENCY_CONFLICT, message: 'order id already used with a different request', nonRetryable: true });
    }
    const repeated = answered++ > 0;
    await condition(() => opened !== undefined || rejection !== undefined);
    if (rejection) throw rejection;
    return { ...opened!, repeated };
  });

  upsertSearchAttributes([
    { key: CheckoutStatus, value: 'pending' },
    { key: PaymentProvider, value: input.payment.provider },
    { key: PaymentMethod, value: input.payment.method },
    { key: EventId, value: input.eventId },
  ]);

  async function moveTo(status: OrderStatus, reason: string, tickets?: Ticket[]): Promise<void> {
    if (!state.move(status, reason, tickets)) return;
    upsertSearchAttributes([{ key: CheckoutStatus, value: status }]);
    await store.moveOrder({ orderId, status, reason, at: state.now(), tickets });
  }

  async function finish(outcome: CheckoutOutcome): Promise<CheckoutOutcome> {
    await condition(allHandlersFinished);
    return outcome;
  }

  // 1. Hold seats: all or nothing, no oversell.
  const seats = { orderId, eventId: input.eventId, items: input.items };
  try {
    await store.holdSeats(seats);
  } catch (err) {
    rejection = asBusinessFailure(err);
    return finish({ status: 'rejected', reason: rejection.type ?? 'rejected' });
  }
  undo.add('releaseSeats', () => store.releaseSeats(seats));

  // 2. Record the order, then 3. open the provider's page.
  await store.recordOrder({ input, at: state.now() });
  try {
    const session = await provider.startPayment({
      orderId,
      provider: input.payment.provider,
      method: input.payment.method,
      amount: input.amount,
      currency: input.currency,
      customer: input.customer,
      items: input.items,
      expiresInSeconds: Math.min(86_400, Math.ceil(input.checkoutTimeoutMs / 1000)),
      idempotencyKey: `${orderId}:session`,
    });
    state.opened(session.reference);
    opened = { orderId, workflowId: checkoutWorkflowId(orderId), status: 'pending', redirectUrl: session.redirectUrl, expiresAt: session.expiresAt };
  } catch (err) {
    rejection = asBusinessFailure(err);
    await undo.run();
    await moveTo('cancelled', 'payment provider refused the checkout');
    return finish({ status: 'cancelled', reason: 'provider_rejected' });
  }

  // 4. Await the payment, until the customer gives up or the checkout times out.
  const decision = await awaitPayment();
  if (decision.kind === 'cancel') {
    await undo.run();
    await moveTo('cancelled', decision.reason);
    if (state.customerWasToldOfPendingPayment) await sendOnce('order_cancelled');
    return finish({ status: 'cancelled', reason: decision.reason });
  }

  // 5. Paid: from here on, a step that fails for good gives the money back.
  const { payment } = decision;
  undo.add('refundPayment', () =>
    provider.refundPayment({
      orderId,
      provider: input.payment.provider,
      reference: state.reference!,
      paymentId: payment.paymentId!,
      amount: payment.amount,
      idempotencyKey: `${orderId}:refund`,
    }),
  );
  try {
    assertPaidInFull(payment, input);
    await store.recordPayment({ orderId, patch: { paymentId: payment.paymentId, status: payment.status } });
    await store.sellSeats(seats);
    const tickets = await store.issueTickets(seats);
    await moveTo('completed', 'payment captured', tickets);
  } catch (err) {
    log.error('completing a paid checkout failed; refunding', { error: String(err) });
    await undo.run();
    await moveTo('refunded', `refunded: ${asBusinessFailure(err).message}`);
    await sendOnce('refund_notice');
    return finish({ status: 'refunded', reason: 'completion_failed' });
  }
  await sendOnce('order_confirmation');
  return finish({ status: 'completed', reason: 'paid' });

  async function sendOnce(kind: EmailKind): Promise<void> {
    await mail.sendEmail({ orderId, kind });
  }

  /** Waits for a decisive event; before giving up, closes the provider's page and checks for a late payment. */
  async function awaitPayment(): Promise<Decision> {
    const deadline = Date.now() + input.checkoutTimeoutMs;
    for (;;) {
      const arrived = await condition(() => inbox.waiting, Math.max(1, deadline - Date.now()));
      const received: ReceivedEvent | undefined = arrived ? inbox.next() : undefined;
      const kind = received?.kind;
      if (kind === 'captured' || kind === 'authorized') {
        const payment = await lookup(received!.event.paymentId);
        if (payment.status === 'captured') return { kind: 'paid', payment };
        continue; // not (yet) paid according to the provider: keep waiting
      }
      if (kind && kind !== 'cancelled' && kind !== 'expired') continue;
      const reason = received ? `${received.kind} (${received.event.source})` : 'checkout timed out';
      const last = await provider.closePayment({ orderId, provider: input.payment.provider, reference: state.reference!, idempotencyKey: `${orderId}:close` });
      if (last.status === 'captured') return { kind: 'paid', payment: last };
      return { kind: 'cancel', reason };
    }
  }

  function lookup(paymentId?: string | null): Promise<ProviderPayment> {
    return provider.lookupPayment({ orderId, provider: input.payment.provider, reference: state.reference!, paymentId: paymentId ?? null });
  }
}

function assertPaidInFull(payment: ProviderPayment, input: CheckoutInput): void {
  if (payment.amount !== input.amount || payment.currency !== input.currency) {
    throw ApplicationFailure.nonRetryable(
      `paid ${payment.amount} ${payment.currency}, expected ${input.amount} ${input.currency}`,
      'PaymentMismatch',
    );
  }
}

/** Unwraps an activity failure to the business failure inside it. */
function asBusinessFailure(err: unknown): ApplicationFailure {
  let cause: unknown = err;
  while (cause && !(cause instanceof ApplicationFailure) && (cause as { cause?: unknown }).cause) cause = (cause as { cause?: unknown }).cause;
  if (cause instanceof ApplicationFailure) {
    return ApplicationFailure.create({ type: cause.type ?? 'Failed', message: cause.message, details: cause.details ?? [], nonRetryable: true });
  }
  log.warn('unexpected failure', { workflowId: workflowInfo().workflowId, error: String(err) });
  return ApplicationFailure.create({ type: 'Failed', message: String(err), nonRetryable: true });
}
