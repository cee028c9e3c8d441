/**
 * The checkout saga, step by step: hold the seats → record the order → open the provider's page
 * → wait for the customer → wait for a pending payment → capture → fulfil (or give the seats
 * back). Every redirect, webhook, timer and operator action reaches this one history as a
 * signal; the activities do the side effects; the provider is known only through its seam.
 */
import { ApplicationFailure, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { CheckoutInput } from '../src/domain/checkout';
import { statusQuery } from '../src/temporal/messages';
import { refusal } from './failures';
import { PaymentInbox } from './inbox';
import { CheckoutAnswer, openPayment } from './opening';
import { OperatorDesk } from './operator-desk';
import { Order, type CheckoutOutcome } from './order';
import { ProviderDesk } from './provider-desk';
import { store } from './proxies';
import { Compensations } from './saga';
import { CheckoutStatus, EventId, PaymentMethod, PaymentProvider } from './search-attributes';
import { PaymentWait, verdictOf, type Verdict } from './waiting';

export type { CheckoutOutcome };

export async function checkout(input: CheckoutInput): Promise<CheckoutOutcome> {
  const order = new Order(input);
  const events = PaymentInbox.listen();
  const answer = new CheckoutAnswer(input);
  const desk = new ProviderDesk(order, events);
  const wait = new PaymentWait(order, events, desk);
  const undo = new Compensations();
  new OperatorDesk({ facts: () => order.facts(), order: async () => order, events, wait });
  setHandler(statusQuery, () => order.state.view);
  upsertSearchAttributes([
    { key: CheckoutStatus, value: 'pending' },
    { key: PaymentProvider, value: input.payment.provider },
    { key: PaymentMethod, value: input.payment.method },
    { key: EventId, value: input.eventId },
  ]);

  // 1. Hold the seats: all or nothing, never oversold.
  try {
    await store.holdSeats(order.seats);
  } catch (err) {
    const failure = refusal(err);
    answer.refuse(failure);
    order.state.refused(failure.message);
    return order.finish({ status: 'rejected', reason: failure.type ?? 'rejected' });
  }
  undo.add('releaseSeats', () => store.releaseSeats(order.seats));

  // 2. Record the order; 3. open the provider's page.
  await store.recordOrder({ input, at: order.state.now() });
  const started = await openPayment(order, events);
  if (started instanceof ApplicationFailure) {
    answer.refuse(started);
    return order.finish(await order.giveUp('cancelled', started.message, undo));
  }
  order.state.opened(started.reference);
  answer.open(order, started);

  // 4. Wait for the customer (some providers decide at once), then for a pending payment.
  let verdict: Verdict = verdictOf(started.decided, 'customer', 'decided by the provider at once') ?? (await wait.forCustomer(input.checkoutTimeoutMs));
  if (verdict.kind === 'pending') verdict = await wait.forPendingPayment(verdict.payment);

  // 5. Capture what is only authorized; its undo (void) is registered before the money moves.
  if (verdict.kind === 'authorized') {
    const authorized = verdict.payment;
    order.state.enter('capturing');
    undo.add('voidPayment', () => desk.void(authorized));
    verdict = verdictOf(await desk.capture(authorized), 'pending', 'capture refused') ?? { kind: 'gone', status: 'cancelled', reason: 'the provider would not capture the payment' };
  }

  // 6. Fulfil, or give back what was taken.
  order.state.enter('settling');
  if (verdict.kind === 'paid') return order.finish(await order.fulfil(verdict.payment, undo));
  if (verdict.kind === 'gone') return order.finish(await order.giveUp(verdict.status, verdict.reason, undo));
  return order.finish(await order.giveUp('cancelled', `payment still ${verdict.payment.status} after capture`, undo));
}
