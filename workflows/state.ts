/** The checkout as the workflow knows it: what the `status` query returns, and the UI's current details. */
import { setCurrentDetails } from '@temporalio/workflow';
import { canMove, STATUS_CODE, withPending, type CheckoutInput, type CheckoutView, type HistoryEntry, type OrderStatus, type PendingPayment, type Ticket } from '../src/domain/checkout';
import type { ProviderPayment } from '../src/providers/types';
import { currentDetails, type Phase } from '../src/domain/story';

export class CheckoutState {
  readonly view: CheckoutView;
  /** The provider's payment, once there is one (the view shows the provider's reference). */
  paymentId: string | null = null;
  /** What the run does or waits for now, and until when: the UI's current details. */
  private phase: Phase = 'opening';
  private until?: string;

  constructor(input: CheckoutInput) {
    this.view = {
      orderId: input.orderId,
      status: 'pending',
      statusCode: STATUS_CODE.pending,
      amount: input.amount,
      currency: input.currency,
      items: input.items,
      customer: { email: input.customer.email, name: input.customer.name },
      payment: { provider: input.payment.provider, method: input.payment.method, reference: null, status: 'open' },
      history: [{ at: this.now(), status: 'pending', reason: 'seats held' }],
    };
    this.tell();
  }

  /** Continues from what an earlier run recorded (late events after the checkout closed). */
  restore({ status, history, reference, paymentId }: { status: OrderStatus; history: HistoryEntry[]; reference: string | null; paymentId: string | null }): void {
    this.view.status = status;
    this.view.statusCode = STATUS_CODE[status];
    this.view.history = history;
    this.view.payment.reference = reference;
    this.paymentId = paymentId;
    this.enter('done');
  }

  /** Enters a phase of the run; the Temporal UI shows it in words. */
  enter(phase: Phase, until?: string): void {
    this.phase = phase;
    this.until = until;
    this.tell();
  }

  /** Still waiting for the money: the checkout can be cancelled or given longer. */
  get waiting(): boolean {
    return this.phase === 'opening' || this.phase === 'customer' || this.phase === 'pending';
  }

  /** The checkout was refused before it opened (sold out): nothing was taken. */
  refused(why: string): void {
    this.phase = 'done';
    setCurrentDetails(`**Refused**: ${why}.`);
  }

  /** The run has decided the order's fate (paid, given up, or refused at the start). */
  get decided(): boolean {
    return this.phase === 'done';
  }

  private tell(): void {
    setCurrentDetails(currentDetails(this.view, this.phase, this.until));
  }

  /** Workflow time: deterministic on replay. */
  now(): string {
    return new Date().toISOString();
  }

  get reference(): string | null {
    return this.view.payment.reference;
  }

  /** A konbini slip or a review hold means the customer expects to hear back from us. */
  get customerWasToldOfPendingPayment(): boolean {
    return this.view.history.some((entry) => entry.status === 'awaiting_payment');
  }

  opened(reference: string): void {
    this.view.payment.reference = reference;
  }

  /** A payment exists but is not made yet: the view says what for and until when. */
  paymentPending(payment: ProviderPayment & { pending: PendingPayment }): void {
    this.paymentId = payment.paymentId;
    this.view.payment = withPending({ ...this.view.payment, status: payment.status }, payment.pending);
    this.enter('pending', payment.pending.settleBy);
  }

  /** An operator gave the pending payment longer. */
  extended(settleBy: string): void {
    if (this.view.payment.pending) this.view.payment.pending = { ...this.view.payment.pending, settleBy };
    this.enter('pending', settleBy);
  }

  /** The provider's latest word on the payment; a pending state it ended is cleared. */
  paymentMoved(payment: ProviderPayment): void {
    this.paymentId = payment.paymentId ?? this.paymentId;
    const { pending: _ended, ...rest } = this.view.payment;
    this.view.payment = { ...rest, status: payment.status };
  }

  /** Applies a forward move; false when the order is already there or past it. */
  move(status: OrderStatus, reason: string, tickets?: Ticket[]): boolean {
    if (!canMove(this.view.status, status)) return false;
    this.view.status = status;
    this.view.statusCode = STATUS_CODE[status];
    this.view.history.push({ at: this.now(), status, reason });
    if (tickets) this.view.tickets = tickets;
    if (status === 'refunded') this.view.payment.status = 'refunded';
    if (status !== 'pending' && status !== 'awaiting_payment') this.phase = 'done';
    this.tell();
    return true;
  }
}
