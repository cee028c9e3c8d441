/**
 * Money that arrives after its checkout closed (a konbini payment whose webhook came after our
 * expiry timer, a card paid at the last second). The API starts this with signal-with-start on
 * the checkout's own workflow id, so the event joins that order's history and is never dropped:
 * the order completes if the seats can still be had, otherwise the money goes back (or, where
 * the provider cannot refund, the order waits for an operator as `refund_required`).
 */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { ProviderPayment } from '../src/providers/types';
import { PaymentInbox } from './inbox';
import { paymentSignals, statusQuery, type PaymentEventKind } from '../src/temporal/messages';
import { businessFailureType, Order, type CheckoutOutcome } from './order';
import { store } from './proxies';
import { Compensations } from './saga';

export async function settleLatePayment(orderId: string): Promise<CheckoutOutcome> {
  const inbox = new PaymentInbox();
  for (const [kind, signal] of Object.entries(paymentSignals)) setHandler(signal, (event) => void inbox.push(kind as PaymentEventKind, event));

  const snapshot = await store.loadCheckout({ orderId });
  const order = new Order(snapshot.input);
  order.state.restore(snapshot);
  setHandler(statusQuery, () => order.state.view);

  let outcome: CheckoutOutcome = { status: snapshot.status, reason: 'nothing to settle' };
  // Signal-with-start delivers the event with the start; whatever else arrived meanwhile is
  // handled too. A later event starts a run of its own.
  while (inbox.waiting) {
    const received = inbox.next()!;
    if (received.kind !== 'captured' || settled(order)) continue;
    const payment = await order.lookup(received.event.paymentId).catch((err) => {
      if (businessFailureType(err) !== 'ProviderRejected') throw err;
      return undefined; // the provider knows no such payment: nothing arrived
    });
    if (payment?.status !== 'captured') continue;
    outcome = await settle(order, payment);
  }
  await condition(allHandlersFinished);
  return outcome;
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
    if (businessFailureType(err) !== 'SoldOut') throw err;
    const status = await order.giveMoneyBack(payment);
    await order.moveTo(status, 'paid after the checkout closed, but the seats are gone');
    await order.send('refund_notice');
    return { status, reason: 'late_payment_sold_out' };
  }
  undo.add('releaseSeats', () => store.releaseSeats(order.seats));
  return order.fulfil(payment, undo);
}
