/**
 * What the checkout workflows do to an order: move it forward, mail the customer once, fulfil a
 * paid order, give up on an unpaid one, and give the money back when it cannot be fulfilled.
 */
import { allHandlersFinished, ApplicationFailure, condition, log, upsertSearchAttributes } from '@temporalio/workflow';
import type { CheckoutInput, EmailKind, OrderStatus, PendingPayment, Ticket } from '../src/domain/checkout';
import type { ProviderPayment } from '../src/providers/types';
import { PAYMENT_MISMATCH, PROVIDER_REJECTED } from '../src/temporal/messages';
import { failureOf } from './failures';
import type { PaymentActivities } from '../activities';
import type { OrderFacts } from '../src/domain/operations';
import { mail, provider, store } from './proxies';
import { Compensations } from './saga';
import { CheckoutStatus, PaymentDeadline } from './search-attributes';
import { CheckoutState } from './state';

export type CheckoutOutcome = { status: OrderStatus | 'rejected'; reason: string };

export class Order {
  readonly state: CheckoutState;
  private readonly mails: Promise<void>[] = [];

  constructor(readonly input: CheckoutInput) {
    this.state = new CheckoutState(input);
  }

  get orderId(): string {
    return this.input.orderId;
  }

  get seats() {
    return { orderId: this.orderId, eventId: this.input.eventId, items: this.input.items };
  }

  /** The provider's own record ties this payment to this order (its order id or our page). */
  owns(payment: ProviderPayment): boolean {
    const { orderId, reference } = payment.owner;
    return orderId === this.orderId || (reference !== null && reference === this.state.reference);
  }

  /** Forward only, in the workflow's view, in the search attributes and in the database. */
  async moveTo(status: OrderStatus, reason: string, tickets?: Ticket[]): Promise<void> {
    if (!this.state.move(status, reason, tickets)) return;
    upsertSearchAttributes([{ key: CheckoutStatus, value: status }]);
    await store.moveOrder({ orderId: this.orderId, status, reason, at: this.state.now(), tickets });
  }

  /** Mails in the background: a slow or absent SMTP server never holds the order up. */
  notify(kind: EmailKind): void {
    this.mails.push(
      mail.sendEmail({ orderId: this.orderId, kind }).then(
        () => undefined,
        (err) => log.error('mail could not be sent', { kind, error: String(err) }),
      ),
    );
  }

  /** The run ends only once every mail is out and every update has been answered (which may mail again). */
  async finish(outcome: CheckoutOutcome): Promise<CheckoutOutcome> {
    let waitedFor = -1;
    while (waitedFor !== this.mails.length) {
      waitedFor = this.mails.length;
      await Promise.all(this.mails);
      await condition(allHandlersFinished);
    }
    return outcome;
  }

  /** What an operator's request is judged by. */
  facts(): OrderFacts {
    const { view, waiting } = this.state;
    const { pending } = view.payment;
    return {
      orderId: this.orderId,
      status: view.status,
      provider: this.input.payment.provider,
      method: this.input.payment.method,
      waiting,
      ...(waiting && pending ? { pending: { kind: pending.kind, settleBy: pending.settleBy } } : {}),
    };
  }

  /** The payment as paid in full, for refunding a completed order. */
  get paidPayment(): ProviderPayment {
    const { input, state } = this;
    return { paymentId: state.paymentId, status: 'captured', amount: input.amount, currency: input.currency, owner: { orderId: this.orderId, reference: state.reference } };
  }

  /** A payment exists but someone else must act first (a konbini slip, a review). */
  async awaitPayment(payment: ProviderPayment & { pending: PendingPayment }): Promise<void> {
    const { kind } = payment.pending;
    this.state.paymentPending(payment);
    const view = this.state.view.payment;
    await store.recordPayment({ orderId: this.orderId, patch: { paymentId: payment.paymentId, status: view.status, pending: view.pending, [kind]: view[kind] } });
    if (payment.pending.deadline) upsertSearchAttributes([{ key: PaymentDeadline, value: new Date(payment.pending.deadline) }]);
    await this.moveTo('awaiting_payment', payment.pending.reason);
    if (payment.pending.notice) this.notify(payment.pending.notice);
  }

  /**
   * Paid: seats sold, tickets issued, order completed, confirmation sent. If a step fails for
   * good, the compensations so far run and the money goes back.
   */
  async fulfil(payment: ProviderPayment, undo: Compensations): Promise<CheckoutOutcome> {
    let refund: 'refunded' | 'refund_required' = 'refunded';
    undo.add('refundPayment', async () => {
      refund = await this.giveMoneyBack(payment);
    });
    try {
      assertPaidInFull(payment, this.input);
      this.state.paymentMoved(payment);
      await store.recordPayment({ orderId: this.orderId, patch: { paymentId: payment.paymentId, status: payment.status, pending: null } });
      await store.sellSeats(this.seats);
      const tickets = await store.issueTickets(this.seats);
      await this.moveTo('completed', 'payment captured', tickets);
    } catch (err) {
      log.error('completing a paid checkout failed; giving the money back', { error: String(err) });
      await undo.run();
      await this.moveTo(refund, `could not complete: ${failureOf(err)?.message ?? String(err)}`);
      this.notify('refund_notice');
      return { status: refund, reason: 'completion_failed' };
    }
    this.notify('order_confirmation');
    return { status: 'completed', reason: 'paid' };
  }

  /** Unpaid: whatever was taken is given back (seats, an authorization), and the customer told. */
  async giveUp(status: 'cancelled' | 'expired', reason: string, undo: Compensations): Promise<CheckoutOutcome> {
    await undo.run();
    await this.moveTo(status, reason);
    if (status === 'expired') this.notify('payment_expired');
    else if (this.state.customerWasToldOfPendingPayment) this.notify('order_cancelled');
    return { status, reason };
  }

  /** Refunds through the provider; where it cannot (konbini), an operator must. */
  async giveMoneyBack(payment: ProviderPayment, calls: PaymentActivities = provider): Promise<'refunded' | 'refund_required'> {
    try {
      await calls.refundPayment({
        orderId: this.orderId,
        provider: this.input.payment.provider,
        reference: this.state.reference,
        paymentId: payment.paymentId,
        currency: this.input.currency,
        amount: payment.amount,
        idempotencyKey: `${this.orderId}:refund`,
      });
      return 'refunded';
    } catch (err) {
      if (failureOf(err)?.type !== PROVIDER_REJECTED) throw err;
      log.warn('provider cannot refund automatically; operator action needed', { orderId: this.orderId });
      return 'refund_required';
    }
  }
}

function assertPaidInFull(payment: ProviderPayment, input: CheckoutInput): void {
  if (payment.amount !== input.amount || payment.currency !== input.currency) {
    throw ApplicationFailure.nonRetryable(`paid ${payment.amount} ${payment.currency}, expected ${input.amount} ${input.currency}`, PAYMENT_MISMATCH);
  }
}
