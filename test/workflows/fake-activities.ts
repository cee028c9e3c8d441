import { ApplicationFailure } from '@temporalio/common';
import type { CheckoutActivities } from '../../activities';
import type { CheckoutSnapshot } from '../../activities/orders';
import type { ProviderPayment, StartedPayment } from '../../src/providers/types';

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
  /** The provider refuses the n-th question (a 4xx: unknown payment, revoked key). */
  refuse?: (asked: number) => boolean;
  /** Opening the provider's page fails this many times with a transient error (provider down). */
  startFails?: number | 'always';
  /** The provider cannot refund this payment (konbini). */
  noRefund?: boolean;
  /** What opening the provider's page answers besides the defaults (a booking decided at once). */
  started?: Partial<StartedPayment>;
  /** What capturing (finalizing) reports besides the defaults (a resync that finds another amount). */
  captured?: Partial<ProviderPayment>;
}

export interface Call {
  name: keyof CheckoutActivities;
  args: unknown;
}

const rejected = (what: string) => ApplicationFailure.nonRetryable(`${what}: 404 not_found`, 'ProviderRejected');

export function fakeActivities(scripts: Map<string, Script>, calls: Map<string, Call[]>): CheckoutActivities {
  const record = (orderId: string, name: keyof CheckoutActivities, args: unknown) => {
    const list = calls.get(orderId) ?? [];
    list.push({ name, args });
    calls.set(orderId, list);
  };
  const counts = new Map<string, number>();
  const ask = (orderId: string) => {
    const asked = (counts.get(orderId) ?? 0) + 1;
    counts.set(orderId, asked);
    return asked;
  };
  const script = (orderId: string) => scripts.get(orderId) ?? {};
  const owner = (orderId: string) => ({ orderId, reference: `sess_${orderId}` });
  const answer = (orderId: string, paymentId: string | null | undefined, fallback: ProviderPayment['status']): ProviderPayment => {
    const asked = ask(orderId);
    if (script(orderId).refuse?.(asked)) throw rejected('look up payment');
    const current = script(orderId).payment;
    if (current) return { ...current };
    const base: ProviderPayment = paymentId
      ? { paymentId, status: 'captured', amount: 3000, currency: 'JPY', owner: owner(orderId) }
      : { paymentId: null, status: fallback, amount: 3000, currency: 'JPY', owner: owner(orderId) };
    return { ...base, ...script(orderId).provider?.(asked) };
  };
  const starts = new Map<string, number>();

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
    async noteEvent(args) {
      record(args.orderId, 'noteEvent', args);
    },
    async recordOperatorAction(args) {
      record(args.orderId, 'recordOperatorAction', args);
    },
    async startPayment(args) {
      record(args.orderId, 'startPayment', args);
      const failures = script(args.orderId).startFails ?? 0;
      const attempt = (starts.get(args.orderId) ?? 0) + 1;
      starts.set(args.orderId, attempt);
      if (failures === 'always' || attempt <= failures) throw new Error('KOMOJU POST /api/v1/sessions: 503 service_unavailable');
      const url = `https://pay.example/${args.orderId}`;
      return { reference: `sess_${args.orderId}`, nextAction: { type: 'redirect', url }, expiresAt: '2030-01-01T00:00:00.000Z', ...script(args.orderId).started };
    },
    async lookupPayment(args) {
      record(args.orderId, 'lookupPayment', args);
      return answer(args.orderId, args.paymentId, 'open');
    },
    async confirmSignedPayment(args) {
      record(args.orderId, 'confirmSignedPayment', args);
      return answer(args.orderId, args.paymentId, 'open');
    },
    async closePayment(args) {
      record(args.orderId, 'closePayment', args);
      return answer(args.orderId, null, 'cancelled');
    },
    async capturePayment(args) {
      record(args.orderId, 'capturePayment', args);
      return { paymentId: args.paymentId ?? null, status: 'captured', amount: args.amount, currency: 'JPY', owner: owner(args.orderId), ...script(args.orderId).captured };
    },
    async voidPayment(args) {
      record(args.orderId, 'voidPayment', args);
      const current = script(args.orderId).payment;
      if (current?.status === 'captured') throw rejected('void payment');
      return { paymentId: args.paymentId ?? null, status: 'cancelled', amount: 3000, currency: 'JPY', owner: owner(args.orderId) };
    },
    async refundPayment(args) {
      record(args.orderId, 'refundPayment', args);
      if (script(args.orderId).noRefund) throw ApplicationFailure.nonRetryable('konbini payments cannot be refunded', 'ProviderRejected');
      return { paymentId: args.paymentId ?? null, status: 'refunded', amount: args.amount, currency: 'JPY', owner: owner(args.orderId) };
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
