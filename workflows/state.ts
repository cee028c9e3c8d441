/** The checkout as the workflow knows it: what the `status` query returns. */
import { canMove, STATUS_CODE, type CheckoutInput, type CheckoutView, type OrderStatus, type Ticket } from '../src/domain/checkout';

export class CheckoutState {
  readonly view: CheckoutView;

  constructor(input: CheckoutInput) {
    this.view = {
      orderId: input.orderId,
      status: 'pending',
      statusCode: STATUS_CODE.pending,
      amount: input.amount,
      currency: input.currency,
      items: input.items,
      customer: { email: input.customer.email, name: input.customer.name },
      payment: { provider: input.payment.provider, method: input.payment.method, reference: null, status: 'pending' },
      history: [{ at: this.now(), status: 'pending', reason: 'seats held' }],
    };
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

  /** Applies a forward move; false when the order is already there or past it. */
  move(status: OrderStatus, reason: string, tickets?: Ticket[]): boolean {
    if (!canMove(this.view.status, status)) return false;
    this.view.status = status;
    this.view.statusCode = STATUS_CODE[status];
    this.view.history.push({ at: this.now(), status, reason });
    if (tickets) this.view.tickets = tickets;
    if (status === 'completed') this.view.payment.status = 'captured';
    if (status === 'refunded') this.view.payment.status = 'refunded';
    return true;
  }
}
