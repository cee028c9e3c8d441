/**
 * Operators' requests to a checkout, as workflow updates. Each validator answers at once with
 * the reason an action is not possible (and then nothing is recorded); an accepted action runs
 * in turn with the others, is checked again in case the order moved meanwhile, and is kept on
 * the order with who asked and why. The same desk serves a running checkout and a closed one
 * reopened under the same workflow id.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, condition, currentUpdateInfo, setHandler } from '@temporalio/workflow';
import { OPERATOR_ACTIONS, refusalOf, type ActionOf, type ActionResult, type OperatorAction, type OrderFacts } from '../src/domain/operations';
import { providerName, when } from '../src/domain/story';
import type { ProviderPayment } from '../src/providers/types';
import { ACTION_FAILED, ACTION_REJECTED, operatorUpdates, signalFor } from '../src/temporal/messages';
import { failureOf } from './failures';
import type { PaymentInbox } from './inbox';
import type { Order } from './order';
import { mailForOperator, providerForOperator, store } from './proxies';
import type { PaymentWait } from './waiting';

/** What the desk needs from the run it serves. */
export interface Operable {
  /** What requests are judged by; undefined while a reopened checkout is still loading. */
  facts(): OrderFacts | undefined;
  order(): Promise<Order>;
  events: PaymentInbox;
  /** A running checkout's wait for a pending payment, which an operator may extend. */
  wait?: PaymentWait;
  /** A closed checkout: completes the order with a payment found captured (as a late payment). */
  settle?(payment: ProviderPayment): Promise<unknown>;
}

const failed = (message: string) => ApplicationFailure.create({ type: ACTION_FAILED, message, nonRetryable: true });

export class OperatorDesk {
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly checkout: Operable) {
    for (const name of OPERATOR_ACTIONS) {
      const update = operatorUpdates[name] as UpdateDefinition<ActionResult, [OperatorAction]>;
      setHandler(update, (action) => this.take(action), { validator: (action) => this.judge(action) });
    }
  }

  /** Throws the reason the action cannot be taken now. */
  private judge(action: OperatorAction): void {
    const facts = this.checkout.facts();
    const why = facts ? refusalOf(action, facts, Date.now()) : 'the checkout is still loading; try again';
    if (why) throw ApplicationFailure.create({ type: ACTION_REJECTED, message: why, nonRetryable: true });
  }

  /** One action at a time, each judged again when its turn comes. */
  private take(action: OperatorAction): Promise<ActionResult> {
    const id = currentUpdateInfo()?.id ?? 'unknown';
    const run = this.turn.then(async () => {
      this.judge(action);
      const order = await this.checkout.order();
      const outcome = await this.perform(action, order, id);
      const { operator, reason } = action;
      await store.recordOperatorAction({ orderId: order.orderId, id, at: order.state.now(), action: action.action, operator, reason, outcome });
      return { orderId: order.orderId, action: action.action, status: order.state.view.status, outcome };
    });
    this.turn = run.catch(() => undefined);
    return run.catch((err: unknown) => {
      // A provider or mail server that would not do it fails the request, not the checkout.
      if (err instanceof ActivityFailure) throw failed(failureOf(err)?.message ?? 'the call did not succeed in time; try again');
      throw err;
    });
  }

  private perform(action: OperatorAction, order: Order, id: string): Promise<string> {
    switch (action.action) {
      case 'cancel':
        return this.cancel(action, order, id);
      case 'refund':
        return this.refund(action, order);
      case 'resendEmail':
        return this.resendEmail(action, order, id);
      case 'markPaid':
        return this.markPaid(action, order, id);
      case 'extendDeadline':
        return this.extendDeadline(action, order);
      case 'reconcile':
        return this.reconcile(action, order, id);
      case 'resolveRefund':
        return this.resolveRefund(action, order);
    }
  }

  private async cancel({ operator, reason }: ActionOf<'cancel'>, order: Order, id: string): Promise<string> {
    this.checkout.events.push('cancelled', { eventId: `operator:${id}`, source: 'admin', reason: `cancelled by ${operator}: ${reason}` });
    await decided(order);
    const { status } = order.state.view;
    return status === 'cancelled' ? 'cancelled; the seats are released' : `not cancelled: the order is ${status}`;
  }

  private async refund({ operator, reason, bankReference }: ActionOf<'refund'>, order: Order): Promise<string> {
    const how = await this.giveMoneyBack(order, bankReference);
    await store.releaseSeats(order.seats);
    await order.moveTo('refunded', `${how} (${operator}: ${reason})`);
    order.notify('refund_notice');
    return `${how}; the seats are back on sale`;
  }

  /** Through the provider, or recorded as the bank transfer an operator made; says which. */
  private async giveMoneyBack(order: Order, bankReference: string | undefined): Promise<string> {
    if (bankReference) return `refunded by bank transfer ${bankReference}`;
    const name = providerName(order.input.payment.provider);
    if ((await order.giveMoneyBack(order.paidPayment, providerForOperator)) === 'refund_required') {
      throw failed(`${name} refused the refund: refund by bank transfer and give its bankReference`);
    }
    return `refunded through ${name}`;
  }

  private async resendEmail({ kind }: ActionOf<'resendEmail'>, order: Order, id: string): Promise<string> {
    await mailForOperator.sendEmail({ orderId: order.orderId, kind, resend: id });
    return `mail ${kind} sent again`;
  }

  /** The provider must confirm the payment is this order's, captured, in full. */
  private async markPaid({ operator, reason, paymentReference }: ActionOf<'markPaid'>, order: Order, id: string): Promise<string> {
    const { input } = order;
    const name = providerName(input.payment.provider);
    const payment = await providerForOperator.lookupPayment({ orderId: order.orderId, provider: input.payment.provider, reference: order.state.reference, paymentId: paymentReference, currency: input.currency });
    if (!order.owns(payment)) throw failed(`${name} says payment ${paymentReference} belongs to ${payment.owner.orderId ?? 'another order'}`);
    const waiting = order.state.waiting;
    if (payment.status !== 'captured' && !(waiting && payment.status === 'authorized')) throw failed(`${name} says payment ${paymentReference} is ${payment.status}, not paid`);
    if (payment.amount !== input.amount || payment.currency !== input.currency) throw failed(`${name} says ${payment.amount} ${payment.currency} were paid, not ${input.amount} ${input.currency}`);
    if (waiting) {
      this.checkout.events.push('captured', { eventId: `operator:${id}`, source: 'admin', paymentId: paymentReference, reason: `marked paid by ${operator}: ${reason}` });
      await decided(order);
    } else {
      if (!this.checkout.settle) throw failed('the checkout is closing; try again in a moment');
      await this.checkout.settle(payment);
    }
    return `${name} confirms payment ${paymentReference}; the order is ${order.state.view.status}`;
  }

  private async extendDeadline({ until }: ActionOf<'extendDeadline'>, order: Order): Promise<string> {
    if (!this.checkout.wait) throw failed('nothing is waiting for a payment');
    await this.checkout.wait.extend(new Date(until).toISOString());
    return `the checkout now waits until ${when(until, order.input.payment.provider)}`;
  }

  /** Asks the provider now; the running checkout acts on the answer as on a webhook. */
  private async reconcile(_action: ActionOf<'reconcile'>, order: Order, id: string): Promise<string> {
    const { input } = order;
    const name = providerName(input.payment.provider);
    const seen = await providerForOperator.lookupPayment({ orderId: order.orderId, provider: input.payment.provider, reference: order.state.reference, paymentId: order.state.paymentId, currency: input.currency });
    const says = `${name} says the payment is ${seen.status}`;
    if (order.state.waiting) {
      const kind = signalFor(seen.status);
      if (!kind) return `${says}; nothing to act on yet`;
      this.checkout.events.push(kind, { eventId: `operator:${id}`, source: 'reconcile', paymentId: seen.paymentId ?? undefined });
      return `${says}; the checkout acts on it`;
    }
    if (seen.status !== 'captured' || !order.owns(seen) || !this.checkout.settle) return `${says}; nothing to change`;
    await this.checkout.settle(seen);
    return `${says}; the order is ${order.state.view.status}`;
  }

  private async resolveRefund({ operator, reason, bankReference }: ActionOf<'resolveRefund'>, order: Order): Promise<string> {
    const how = await this.giveMoneyBack(order, bankReference);
    await order.moveTo('refunded', `${how} (${operator}: ${reason})`);
    return how;
  }
}

/** The running checkout decided (paid, or gave up) after an event an operator put in. */
function decided(order: Order): Promise<void> {
  return condition(() => order.state.decided);
}
