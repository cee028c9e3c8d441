/**
 * Waiting for the money, in two phases, each with one wait and one deadline:
 * - the customer is on the provider's page (until CHECKOUT_TIMEOUT);
 * - a payment is pending: a konbini slip, a review (until the provider's deadline plus grace).
 * Events only prompt a question to the provider; its answer decides.
 */
import { condition, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { PendingPayment } from '../src/domain/checkout';
import type { ProviderPayment } from '../src/providers/types';
import { isCancelRequest, type PaymentInbox, type ReceivedEvent } from './inbox';
import type { Order } from './order';
import type { ProviderDesk } from './provider-desk';
import { store } from './proxies';
import { PaymentDeadline } from './search-attributes';

export type Verdict =
  | { kind: 'paid' | 'authorized'; payment: ProviderPayment }
  | { kind: 'pending'; payment: ProviderPayment & { pending: PendingPayment } }
  | { kind: 'gone'; status: 'cancelled' | 'expired'; reason: string };

type Phase = 'customer' | 'pending';

/** What a provider's answer means for the checkout; undefined: nothing decided, keep waiting. */
export function verdictOf(payment: ProviderPayment | undefined, phase: Phase, reason: string): Verdict | undefined {
  switch (payment?.status) {
    case 'captured':
      return { kind: 'paid', payment };
    case 'authorized':
      return { kind: 'authorized', payment };
    case 'pending':
      return payment.pending ? { kind: 'pending', payment: payment as ProviderPayment & { pending: PendingPayment } } : undefined;
    case 'expired':
      return { kind: 'gone', status: phase === 'pending' ? 'expired' : 'cancelled', reason };
    case 'cancelled':
    case 'denied':
    case 'failed':
    case 'refunded':
      return { kind: 'gone', status: 'cancelled', reason: payment.reason ? `${reason}: ${payment.reason}` : reason };
    default:
      return undefined; // open, or the provider would not say
  }
}

/**
 * A payment (not just the page) that expired is a slip whose deadline passed before this run saw
 * it pending (e.g. no worker ran from the slip to its deadline): the order is `expired`, as for
 * a slip seen pending, not `cancelled`. Patched: runs that decided before keep their history.
 */
const customerPhase = (payment: ProviderPayment | undefined): Phase =>
  payment?.status === 'expired' && payment.paymentId && patched('lapsed-slip-is-expired') ? 'pending' : 'customer';

const described = ({ kind, event }: ReceivedEvent) => (event.source === 'admin' && event.reason ? event.reason : `${kind} (${event.source})`);

export class PaymentWait {
  /** When the pending phase asks the provider one last time and gives up (an operator may extend it). */
  private settleBy = '';

  constructor(
    private readonly order: Order,
    private readonly events: PaymentInbox,
    private readonly desk: ProviderDesk,
  ) {}

  /** The customer is on the provider's page until the checkout times out. */
  async forCustomer(timeoutMs: number): Promise<Verdict> {
    const giveUpAt = Date.now() + timeoutMs;
    this.order.state.enter('customer', new Date(giveUpAt).toISOString());
    for (;;) {
      if (!(await condition(() => this.events.waiting, Math.max(1, giveUpAt - Date.now()), { summary: 'checkout timeout' }))) {
        // Out of time: close the page first, so a last-second payment is seen.
        const closed = await this.desk.close();
        return verdictOf(closed, customerPhase(closed), 'checkout timed out') ?? { kind: 'gone', status: 'cancelled', reason: 'checkout timed out' };
      }
      const received = this.events.next()!;
      const reason = described(received);
      if (isCancelRequest(received)) return this.cancel(await this.desk.close(received), reason);
      if (received.kind === 'refunded') continue;
      const payment = received.kind === 'signed' ? await this.desk.signed(received) : await this.desk.check(received);
      const verdict = verdictOf(payment, customerPhase(payment), reason);
      if (verdict?.kind !== 'gone') {
        if (verdict) return verdict;
        continue;
      }
      // One payment failed or went away; the page may still take another (a second card). After
      // signing, though, the provider's follow-up call is its final word.
      if (received.kind !== 'signed' && payment?.paymentId && verdictOf(await this.desk.check(), 'customer', reason) === undefined) continue;
      return verdict;
    }
  }

  /** A payment is pending: wait for the provider's word until its deadline plus grace. */
  async forPendingPayment(payment: ProviderPayment & { pending: PendingPayment }): Promise<Verdict> {
    this.settleBy = payment.pending.settleBy;
    await this.order.awaitPayment(payment);
    const { kind } = payment.pending;
    for (;;) {
      const settleBy = this.settleBy;
      const woke = await condition(() => this.events.waiting || this.settleBy !== settleBy, Math.max(1, Date.parse(settleBy) - Date.now()), { summary: `${kind} deadline + grace` });
      if (woke && !this.events.waiting) continue; // an operator extended the wait
      if (!woke) {
        // The deadline and our grace have passed: one last question; a payment still pending
        // (a review nobody decided) is voided, so no money can come after the seats are gone.
        const reason = 'payment deadline passed';
        const last = await this.desk.check();
        const now = last?.status === 'pending' ? await this.desk.void(last) : last;
        const verdict = verdictOf(now, 'pending', reason);
        return verdict?.kind === 'paid' || verdict?.kind === 'authorized' ? verdict : { kind: 'gone', status: payment.pending.lapse ?? 'expired', reason };
      }
      const received = this.events.next()!;
      const reason = described(received);
      if (isCancelRequest(received)) return this.cancel(payment, reason);
      if (received.kind === 'refunded') continue;
      const verdict = verdictOf(await this.desk.check(received), 'pending', reason);
      // Still pending (an early "expired", a repeated slip): keep waiting for the deadline.
      if (verdict && verdict.kind !== 'pending') return verdict;
    }
  }

  /** An operator gives the pending payment longer (validated by the update's validator). */
  async extend(until: string): Promise<void> {
    this.settleBy = until;
    this.order.state.extended(until);
    upsertSearchAttributes([{ key: PaymentDeadline, value: new Date(until) }]);
    await store.recordPayment({ orderId: this.order.orderId, patch: { pending: this.order.state.view.payment.pending } });
  }

  /**
   * Someone asked to cancel: a payment that is only pending or authorized is voided first, so
   * no money can come after the seats are gone; one already captured wins over the request.
   */
  private async cancel(payment: ProviderPayment | undefined, reason: string): Promise<Verdict> {
    let now = verdictOf(payment, 'customer', reason);
    if (payment && (now?.kind === 'pending' || now?.kind === 'authorized')) now = verdictOf(await this.desk.void(payment), 'customer', reason);
    return now?.kind === 'paid' ? now : { kind: 'gone', status: 'cancelled', reason };
  }
}
