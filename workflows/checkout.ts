/**
 * The checkout saga: hold seats → record the order → open the provider's page → await payment
 * → fulfil (or cancel / expire). Every redirect, webhook, timer and operator action reaches this
 * one history as a signal; the activities do the side effects.
 */
import { ApplicationFailure, allHandlersFinished, condition, log, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { CheckoutInput, OpenedCheckout } from '../src/domain/checkout';
import type { ProviderPayment } from '../src/providers/types';
import { checkoutWorkflowId } from '../src/temporal/messages';
import { PaymentInbox } from './inbox';
import { openCheckoutUpdate, paymentSignals, statusQuery, IDEMPOTENCY_CONFLICT, type PaymentEventKind } from '../src/temporal/messages';
import { businessFailure, Order, type CheckoutOutcome } from './order';
import { provider, store } from './proxies';
import { Compensations } from './saga';
import { CheckoutStatus, EventId, PaymentMethod, PaymentProvider } from './search-attributes';

export type { CheckoutOutcome };

type Decision = { kind: 'paid'; payment: ProviderPayment } | { kind: 'cancel' | 'expire'; reason: string };

export async function checkout(input: CheckoutInput): Promise<CheckoutOutcome> {
  const order = new Order(input);
  const { orderId } = input;
  const inbox = new PaymentInbox();
  const undo = new Compensations();
  let opened: OpenedCheckout | undefined;
  let rejection: ApplicationFailure | undefined;
  let answered = 0;

  setHandler(statusQuery, () => order.state.view);
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

  const finish = async (outcome: CheckoutOutcome) => {
    await condition(allHandlersFinished);
    return outcome;
  };

  // 1. Hold seats: all or nothing, no oversell.
  try {
    await store.holdSeats(order.seats);
  } catch (err) {
    rejection = refusal(err);
    return finish({ status: 'rejected', reason: rejection.type ?? 'rejected' });
  }
  undo.add('releaseSeats', () => store.releaseSeats(order.seats));

  // 2. Record the order, then 3. open the provider's page.
  await store.recordOrder({ input, at: order.state.now() });
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
    order.state.opened(session.reference);
    opened = { orderId, workflowId: checkoutWorkflowId(orderId), status: 'pending', redirectUrl: session.redirectUrl, expiresAt: session.expiresAt };
  } catch (err) {
    rejection = refusal(err);
    await undo.run();
    await order.moveTo('cancelled', 'payment provider refused the checkout');
    return finish({ status: 'cancelled', reason: 'provider_rejected' });
  }

  // 4. Await the payment; 5. fulfil it, or give the seats back.
  const decision = await awaitPayment();
  if (decision.kind === 'paid') return finish(await order.fulfil(decision.payment, undo));
  await undo.run();
  if (decision.kind === 'expire') {
    await order.moveTo('expired', decision.reason);
    await order.send('payment_expired');
    return finish({ status: 'expired', reason: decision.reason });
  }
  await order.moveTo('cancelled', decision.reason);
  if (order.state.customerWasToldOfPendingPayment) await order.send('order_cancelled');
  return finish({ status: 'cancelled', reason: decision.reason });

  /**
   * Waits for a decisive event. Until a payment exists the customer has CHECKOUT_TIMEOUT; once a
   * slip is issued, the provider's deadline plus KONBINI_GRACE (longer or shorter).
   */
  async function awaitPayment(): Promise<Decision> {
    let giveUpAt = Date.now() + input.checkoutTimeoutMs;
    for (;;) {
      const arrived = await condition(() => inbox.waiting, Math.max(1, giveUpAt - Date.now()));
      const received = arrived ? inbox.next() : undefined;
      const reason = received ? `${received.kind} (${received.event.source})` : order.state.paymentId ? 'payment deadline passed' : 'checkout timed out';
      if (received?.kind === 'signed' || received?.kind === 'refunded') continue;

      if (order.state.paymentId) {
        // A slip is out: only the provider's own word ends the wait (captured, expired, cancelled).
        const askedToCancel = received?.kind === 'cancelled' && (received.event.source === 'api' || received.event.source === 'admin');
        const payment = askedToCancel ? await cancelSlip() : await order.lookup();
        if (payment.status === 'captured') return { kind: 'paid', payment };
        if (payment.status === 'cancelled') return { kind: 'cancel', reason };
        if (payment.status === 'expired' || (!received && Date.now() >= giveUpAt)) return { kind: 'expire', reason };
        continue;
      }
      if (received?.kind === 'captured' || received?.kind === 'authorized') {
        const payment = await order.lookup(received.event.paymentId);
        if (payment.status === 'captured') return { kind: 'paid', payment };
        if (payment.status === 'authorized' && payment.konbini?.deadline) {
          await order.awaitPaymentAt(payment);
          giveUpAt = order.state.paymentDeadline! + input.konbiniGraceMs;
        }
        continue; // not (yet) paid according to the provider: keep waiting
      }
      // Cancelled, expired, or out of time: close the page first, so a last-second payment is seen.
      const last = await provider.closePayment({ orderId, provider: input.payment.provider, reference: order.state.reference!, idempotencyKey: `${orderId}:close` });
      if (last.status === 'captured') return { kind: 'paid', payment: last };
      if (last.status === 'authorized' && last.konbini?.deadline) {
        await order.awaitPaymentAt(last);
        giveUpAt = order.state.paymentDeadline! + input.konbiniGraceMs;
        continue;
      }
      return { kind: 'cancel', reason };
    }
  }

  /** Voids an unpaid slip at the provider; a payment made meanwhile is reported, not lost. */
  async function cancelSlip(): Promise<ProviderPayment> {
    try {
      return await provider.cancelPayment({ orderId, provider: input.payment.provider, reference: order.state.reference ?? '', paymentId: order.state.paymentId!, idempotencyKey: `${orderId}:cancel` });
    } catch (err) {
      if (businessFailure(err)?.type !== 'ProviderRejected') throw err;
      return order.lookup();
    }
  }
}

/** The failure the API shows the caller, from whatever an activity threw. */
function refusal(err: unknown): ApplicationFailure {
  const cause = businessFailure(err);
  return ApplicationFailure.create({ type: cause?.type ?? 'Failed', message: cause?.message ?? String(err), details: cause?.details ?? [], nonRetryable: true });
}
