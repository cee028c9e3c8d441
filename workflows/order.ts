/**
 * What both checkout workflows do to an order once money is involved: move it forward, mail
 * the customer once, fulfil a paid order, and give the money back when it cannot be fulfilled.
 */
import { ActivityFailure, ApplicationFailure, log, upsertSearchAttributes } from '@temporalio/workflow';
import type { EmailKind } from '../activities/email';
import type { CheckoutInput, OrderStatus, Ticket } from '../src/domain/checkout';
import type { ProviderPayment } from '../src/providers/types';
import { mail, provider, store } from './proxies';
import { Compensations } from './saga';
import { CheckoutStatus, PaymentDeadline } from './search-attributes';
import { CheckoutState } from './state';

export type CheckoutOutcome = { status: OrderStatus | 'rejected'; reason: string };

export class Order {
  readonly state: CheckoutState;

  constructor(readonly input: CheckoutInput) {
    this.state = new CheckoutState(input);
  }

  get orderId(): string {
    return this.input.orderId;
  }

  get seats() {
    return { orderId: this.orderId, eventId: this.input.eventId, items: this.input.items };
  }

  /** Forward only, in the workflow's view, in the search attributes and in the database. */
  async moveTo(status: OrderStatus, reason: string, tickets?: Ticket[]): Promise<void> {
    if (!this.state.move(status, reason, tickets)) return;
    upsertSearchAttributes([{ key: CheckoutStatus, value: status }]);
    await store.moveOrder({ orderId: this.orderId, status, reason, at: this.state.now(), tickets });
  }

  async send(kind: EmailKind): Promise<void> {
    await mail.sendEmail({ orderId: this.orderId, kind });
  }

  /** A konbini slip (or any payment with a deadline) was issued: the customer pays later. */
  async awaitPaymentAt(payment: ProviderPayment): Promise<void> {
    this.state.paymentPending(payment);
    await store.recordPayment({ orderId: this.orderId, patch: { paymentId: payment.paymentId, status: payment.status, konbini: payment.konbini } });
    if (payment.konbini?.deadline) upsertSearchAttributes([{ key: PaymentDeadline, value: new Date(payment.konbini.deadline) }]);
    await this.moveTo('awaiting_payment', 'payment slip issued');
    await this.send('konbini_instructions');
  }

  /** Asks the provider; a redirect or webhook alone never moves money-related state. */
  lookup(paymentId?: string | null): Promise<ProviderPayment> {
    const { reference } = this.state;
    return provider.lookupPayment({ orderId: this.orderId, provider: this.input.payment.provider, reference: reference ?? '', paymentId: paymentId ?? this.state.paymentId });
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
      this.state.paid(payment);
      await store.recordPayment({ orderId: this.orderId, patch: { paymentId: payment.paymentId, status: payment.status } });
      await store.sellSeats(this.seats);
      const tickets = await store.issueTickets(this.seats);
      await this.moveTo('completed', 'payment captured', tickets);
    } catch (err) {
      log.error('completing a paid checkout failed; giving the money back', { error: String(err) });
      await undo.run();
      await this.moveTo(refund, `could not complete: ${failureMessage(err)}`);
      await this.send('refund_notice');
      return { status: refund, reason: 'completion_failed' };
    }
    await this.send('order_confirmation');
    return { status: 'completed', reason: 'paid' };
  }

  /** Refunds through the provider; where it cannot (konbini), an operator must. */
  async giveMoneyBack(payment: ProviderPayment): Promise<'refunded' | 'refund_required'> {
    try {
      await provider.refundPayment({
        orderId: this.orderId,
        provider: this.input.payment.provider,
        reference: this.state.reference ?? '',
        paymentId: payment.paymentId!,
        amount: payment.amount,
        idempotencyKey: `${this.orderId}:refund`,
      });
      return 'refunded';
    } catch (err) {
      if (businessFailureType(err) !== 'ProviderRejected') throw err;
      log.warn('provider cannot refund automatically; operator action needed', { orderId: this.orderId });
      return 'refund_required';
    }
  }
}

function assertPaidInFull(payment: ProviderPayment, input: CheckoutInput): void {
  if (payment.amount !== input.amount || payment.currency !== input.currency) {
    throw ApplicationFailure.nonRetryable(`paid ${payment.amount} ${payment.currency}, expected ${input.amount} ${input.currency}`, 'PaymentMismatch');
  }
}

/** The business failure inside an activity failure, if any. */
export function businessFailure(err: unknown): ApplicationFailure | undefined {
  const inner = err instanceof ActivityFailure ? err.cause : err;
  return inner instanceof ApplicationFailure ? inner : undefined;
}

export function businessFailureType(err: unknown): string | undefined {
  return businessFailure(err)?.type ?? undefined;
}

function failureMessage(err: unknown): string {
  return businessFailure(err)?.message ?? String(err);
}
