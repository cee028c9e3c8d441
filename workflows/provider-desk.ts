/**
 * The workflow's side of the provider seam. Every question names this order; the answer counts
 * only if the provider's own record ties the payment to this order; and a provider that refuses
 * or cannot be reached is noted and waited out, never a failed checkout.
 */
import { ActivityFailure, log } from '@temporalio/workflow';
import type { ProviderPayment } from '../src/providers/types';
import { failureOf } from './failures';
import type { PaymentInbox, ReceivedEvent } from './inbox';
import type { Order } from './order';
import { provider, providerQuestions, store } from './proxies';

export class ProviderDesk {
  constructor(
    private readonly order: Order,
    private readonly events: PaymentInbox,
  ) {}

  private ref(paymentId = this.order.state.paymentId) {
    const { orderId, input, state } = this.order;
    return { orderId, provider: input.payment.provider, reference: state.reference, paymentId, currency: input.currency };
  }

  private key(step: string): string {
    return `${this.order.orderId}:${step}`;
  }

  /**
   * What the provider says about the payment an event names (or else this checkout's). Undefined
   * when it would not say, or when the payment belongs to another order: both are noted.
   */
  async check(received?: ReceivedEvent): Promise<ProviderPayment | undefined> {
    const paymentId = received?.event.paymentId ?? this.order.state.paymentId;
    const payment = await this.ask(received, () => providerQuestions.lookupPayment(this.ref(paymentId)));
    if (!payment || this.order.owns(payment)) return payment;
    log.warn('an event carried another order\'s payment; ignored', { orderId: this.order.orderId, paymentId });
    await this.note(received, 'mismatched', `payment ${payment.paymentId} belongs to order ${payment.owner.orderId ?? payment.owner.reference ?? 'unknown'}`);
    return undefined;
  }

  /** The customer says they signed: the provider's follow-up call decides. */
  signed(received: ReceivedEvent): Promise<ProviderPayment | undefined> {
    return this.ask(received, () => providerQuestions.confirmSignedPayment({ ...this.ref(), idempotencyKey: this.key('signed') }));
  }

  /** Closes the provider's page; what it reports (a last-second payment) still counts. */
  close(reason?: ReceivedEvent): Promise<ProviderPayment | undefined> {
    return this.ask(reason, () => providerQuestions.closePayment({ ...this.ref(), idempotencyKey: this.key('close') }));
  }

  /** Voids a pending or authorized payment (a slip nobody will pay); one paid meanwhile is reported. */
  async void(payment: ProviderPayment): Promise<ProviderPayment | undefined> {
    try {
      return await provider.voidPayment({ ...this.ref(payment.paymentId), idempotencyKey: this.key('void') });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // Already captured, expired or cancelled: ask what it is now.
      return this.ask(undefined, () => providerQuestions.lookupPayment(this.ref(payment.paymentId)));
    }
  }

  /** Takes the money of an authorized payment; a refusal is answered by asking what it is now. */
  async capture(payment: ProviderPayment): Promise<ProviderPayment | undefined> {
    try {
      return await provider.capturePayment({ ...this.ref(payment.paymentId), amount: payment.amount, idempotencyKey: this.key('capture') });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return this.check();
    }
  }

  private async ask(received: ReceivedEvent | undefined, call: () => Promise<ProviderPayment>): Promise<ProviderPayment | undefined> {
    try {
      return await call();
    } catch (err) {
      // Refused (4xx, unknown payment, revoked key) or unreachable for ten minutes.
      if (!(err instanceof ActivityFailure)) throw err;
      const why = failureOf(err)?.message ?? 'the provider did not answer';
      log.warn('the provider would not answer; waiting on', { orderId: this.order.orderId, why });
      await this.note(received, 'refused', why);
      if (received) this.events.forget(received); // the relay offers it again later
      return undefined;
    }
  }

  private async note(received: ReceivedEvent | undefined, state: 'mismatched' | 'refused', note: string): Promise<void> {
    await store.noteEvent({ orderId: this.order.orderId, eventId: received?.event.eventId, state, note, at: this.order.state.now() });
  }
}
