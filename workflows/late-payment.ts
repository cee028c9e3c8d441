/**
 * Money that arrives after its checkout closed (a konbini payment whose webhook came after our
 * expiry timer, a card paid at the last second). The API starts this with signal-with-start on
 * the checkout's own workflow id, so the event joins that order's history and is never dropped:
 * the order completes if the seats can still be had, otherwise the money goes back (or, where
 * the provider cannot refund, the order waits for an operator as `refund_required`).
 */
import { setHandler } from '@temporalio/workflow';
import type { ProviderPayment } from '../src/providers/types';
import { SOLD_OUT, statusQuery } from '../src/temporal/messages';
import { failureOf } from './failures';
import { PaymentInbox } from './inbox';
import { Order, type CheckoutOutcome } from './order';
import { ProviderDesk } from './provider-desk';
import { store } from './proxies';
import { Compensations } from './saga';

export async function settleLatePayment(orderId: string): Promise<CheckoutOutcome> {
  const events = PaymentInbox.listen();
  const snapshot = await store.loadCheckout({ orderId });
  const order = new Order(snapshot.input);
  order.state.restore(snapshot);
  setHandler(statusQuery, () => order.state.view);
  const desk = new ProviderDesk(order, events);

  let outcome: CheckoutOutcome = { status: snapshot.status, reason: 'nothing to settle' };
  // Signal-with-start delivers the event with the start; whatever else arrived meanwhile is
  // handled too. A later event starts a run of its own.
  while (events.waiting) {
    const received = events.next()!;
    if (received.kind !== 'captured' || settled(order)) continue;
    // The provider must confirm a capture of this order's own payment (else it is noted).
    const payment = await desk.check(received);
    if (payment?.status !== 'captured') continue;
    outcome = await settle(order, payment);
  }
  return order.finish(outcome);
}

/** Completed, refunded or waiting for an operator: a later capture changes nothing. */
function settled(order: Order): boolean {
  const { status } = order.state.view;
  return status === 'completed' || status === 'refunded' || status === 'refund_required';
}

async function settle(order: Order, payment: ProviderPayment): Promise<CheckoutOutcome> {
  const undo = new Compensations();
  try {
    await store.holdSeats(order.seats);
  } catch (err) {
    if (failureOf(err)?.type !== SOLD_OUT) throw err;
    const status = await order.giveMoneyBack(payment);
    await order.moveTo(status, 'paid after the checkout closed, but the seats are gone');
    order.notify('refund_notice');
    return { status, reason: 'late_payment_sold_out' };
  }
  undo.add('releaseSeats', () => store.releaseSeats(order.seats));
  return order.fulfil(payment, undo);
}
