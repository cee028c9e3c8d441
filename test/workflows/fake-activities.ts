import { ApplicationFailure } from '@temporalio/common';
import type { CheckoutActivities } from '../../activities';
import type { CheckoutSnapshot } from '../../activities/orders';
import type { ProviderPayment } from '../../src/providers/types';

/**
 * Activities that record what the workflow asked for, typed as the real ones so a change of
 * shape breaks these tests at compile time. Behaviour is chosen per order through `script`.
 */
export interface Script {
  soldOut?: boolean;
  /** What the database holds for an order picked up again by a later run. */
  snapshot?: CheckoutSnapshot;
  ticketsFail?: boolean;
  /** The provider's payment as it stands now; tests change it as time passes (konbini). */
  payment?: ProviderPayment;
  /** What the provider reports on the n-th lookup; default: captured in full when asked about a payment id. */
  provider?: (asked: number) => Partial<ProviderPayment>;
}

export interface Call {
  name: keyof CheckoutActivities;
  args: unknown;
}

export function fakeActivities(scripts: Map<string, Script>, calls: Map<string, Call[]>): CheckoutActivities {
  const record = (orderId: string, name: keyof CheckoutActivities, args: unknown) => {
    const list = calls.get(orderId) ?? [];
    list.push({ name, args });
    calls.set(orderId, list);
  };
  const lookups = new Map<string, number>();
  const script = (orderId: string) => scripts.get(orderId) ?? {};

  return {
    async holdSeats(args) {
      record(args.orderId, 'holdSeats', args);
      if (script(args.orderId).soldOut) throw ApplicationFailure.nonRetryable('not enough seats left for vip', 'SoldOut');
    },
    async releaseSeats(args) {
      record(args.orderId, 'releaseSeats', args);
    },
    async sellSeats(args) {
      record(args.orderId, 'sellSeats', args);
    },
    async loadCheckout(args) {
      record(args.orderId, 'loadCheckout', args);
      const snapshot = script(args.orderId).snapshot;
      if (!snapshot) throw ApplicationFailure.nonRetryable(`order ${args.orderId} not found`, 'OrderNotFound');
      return snapshot;
    },
    async recordOrder(args) {
      record(args.input.orderId, 'recordOrder', args);
    },
    async moveOrder(args) {
      record(args.orderId, 'moveOrder', args);
      return { moved: true };
    },
    async recordPayment(args) {
      record(args.orderId, 'recordPayment', args);
    },
    async startPayment(args) {
      record(args.orderId, 'startPayment', args);
      return { reference: `sess_${args.orderId}`, redirectUrl: `https://pay.example/${args.orderId}`, expiresAt: '2030-01-01T00:00:00.000Z' };
    },
    async lookupPayment(args) {
      record(args.orderId, 'lookupPayment', args);
      const asked = (lookups.get(args.orderId) ?? 0) + 1;
      lookups.set(args.orderId, asked);
      const current = script(args.orderId).payment;
      if (current) return { ...current };
      // A signalled capture names its payment; the provider confirms it unless scripted otherwise.
      const base: ProviderPayment = args.paymentId
        ? { paymentId: args.paymentId!, status: 'captured', amount: 3000, currency: 'JPY' }
        : { paymentId: null, status: 'pending', amount: 3000, currency: 'JPY' };
      return { ...base, ...script(args.orderId).provider?.(asked) };
    },
    async closePayment(args) {
      record(args.orderId, 'closePayment', args);
      const current = script(args.orderId).payment;
      if (current) return { ...current };
      const asked = (lookups.get(args.orderId) ?? 0) + 1;
      lookups.set(args.orderId, asked);
      const base: ProviderPayment = { paymentId: null, status: 'cancelled', amount: 3000, currency: 'JPY' };
      return { ...base, ...script(args.orderId).provider?.(asked) };
    },
    async refundPayment(args) {
      record(args.orderId, 'refundPayment', args);
      if (script(args.orderId).payment?.konbini) throw ApplicationFailure.nonRetryable('konbini payments cannot be refunded', 'ProviderRejected');
      return { paymentId: args.paymentId, status: 'refunded', amount: args.amount, currency: 'JPY' };
    },
    async cancelPayment(args) {
      record(args.orderId, 'cancelPayment', args);
      const current = script(args.orderId).payment;
      if (current) return { ...current, status: current.status === 'authorized' ? 'cancelled' : current.status };
      return { paymentId: args.paymentId, status: 'cancelled', amount: 3000, currency: 'JPY' };
    },
    async issueTickets(args) {
      record(args.orderId, 'issueTickets', args);
      if (script(args.orderId).ticketsFail) throw ApplicationFailure.nonRetryable('ticket printer on fire', 'NoHold');
      return [{ code: `T-${args.orderId}`, ticketTypeId: 'general' }];
    },
    async sendEmail(args) {
      record(args.orderId, 'sendEmail', args);
      return { sent: true };
    },
  };
}
