/**
 * A checkout whose run has ended, reopened under the same workflow id for late money or an
 * operator's request.
 *
 * Money that arrives after its checkout closed (a konbini payment whose webhook came after our
 * expiry timer, a card paid at the last second). The API starts this with signal-with-start on
 * the checkout's own workflow id, so the event joins that order's history and is never dropped:
 * the order completes if the seats can still be had, otherwise the money goes back (or, where
 * the provider cannot refund, the order waits for an operator as `refund_required`).
 */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { OrderFacts } from '../src/domain/operations';
import type { ProviderPayment } from '../src/providers/types';
import { SOLD_OUT, statusQuery } from '../src/temporal/messages';
import { failureOf } from './failures';
import { PaymentInbox } from './inbox';
import { OperatorDesk } from './operator-desk';
import { Order, type CheckoutOutcome } from './order';
import { ProviderDesk } from './provider-desk';
import { store } from './proxies';
import { Compensations, Turns } from './saga';

export async function settleLatePayment(orderId: string): Promise<CheckoutOutcome> {
  return reopen(orderId);
}

/**
 * An operator acts on a checkout whose run has ended (refund, resend a mail, mark paid): a new
 * run under the same workflow id, so the action joins the order's history. The API passes what
 * the order's record says, so the update's validator can answer before anything is loaded.
 */
export async function operateClosedCheckout(facts: OrderFacts): Promise<CheckoutOutcome> {
  return reopen(facts.orderId, facts);
}

/** A closed checkout, reopened: handles late money and operators' requests until none is left. */
async function reopen(orderId: string, facts?: OrderFacts): Promise<CheckoutOutcome> {
  const events = PaymentInbox.listen();
  let order: Order | undefined;
  const loading = store.loadCheckout({ orderId }).then((snapshot) => {
    order = new Order(snapshot.input);
    order.state.restore(snapshot);
    return order;
  });
  let outcome: CheckoutOutcome | undefined;
  const turns = new Turns();
  const settleOnce = (payment: ProviderPayment) =>
    turns.take(async () => {
      const loaded = await loading;
      if (!settled(loaded)) outcome = await settle(loaded, payment);
    });
  new OperatorDesk({ facts: () => order?.facts() ?? facts, order: () => loading, events, settle: settleOnce });

  const loaded = await loading;
  setHandler(statusQuery, () => loaded.state.view);
  const desk = new ProviderDesk(loaded, events);
  // Signal-with-start delivers the event with the start; whatever else arrives meanwhile is
  // handled too. The run ends once nothing is waiting and every operator has an answer.
  for (;;) {
    while (events.waiting) {
      const received = events.next()!;
      if (received.kind !== 'captured' || settled(loaded)) continue;
      // The provider must confirm a capture of this order's own payment (else it is noted).
      const payment = await desk.check(received);
      if (payment?.status === 'captured') await settleOnce(payment);
    }
    await condition(() => events.waiting || allHandlersFinished());
    if (!events.waiting) break;
  }
  return loaded.finish(outcome ?? { status: loaded.state.view.status, reason: 'nothing to settle' });
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
