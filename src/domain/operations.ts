/**
 * What an operator may do to a checkout, and when. The workflow's update validators and the
 * admin API ask the same question here, so a refused move is refused with the same reason
 * everywhere. Pure: the workflow bundle imports this file.
 */
import type { EmailKind, OrderStatus } from './checkout';

export const OPERATOR_ACTIONS = ['cancel', 'refund', 'resendEmail', 'markPaid', 'extendDeadline', 'reconcile', 'resolveRefund'] as const;
export type OperatorActionName = (typeof OPERATOR_ACTIONS)[number];

/** Who asked, and why: kept in the workflow's history and on the order. */
export interface Accountable {
  operator: string;
  reason: string;
}

export type OperatorAction =
  | ({ action: 'cancel' } & Accountable)
  /** `bankReference`: the money went back by bank transfer (konbini); recorded, not sent. */
  | ({ action: 'refund'; bankReference?: string } & Accountable)
  | ({ action: 'resendEmail'; kind: EmailKind } & Accountable)
  /** `paymentReference`: the provider's payment id the operator found paid. */
  | ({ action: 'markPaid'; paymentReference: string } & Accountable)
  | ({ action: 'extendDeadline'; until: string } & Accountable)
  | ({ action: 'reconcile' } & Accountable)
  /** With `bankReference`: refunded by hand; without: the provider is asked to refund again. */
  | ({ action: 'resolveRefund'; bankReference?: string } & Accountable);

export type ActionOf<N extends OperatorActionName> = Extract<OperatorAction, { action: N }>;

/** What the checkout knows when an operator asks: enough to say yes or no at once. */
export interface OrderFacts {
  orderId: string;
  status: OrderStatus;
  provider: string;
  method: string;
  /** A checkout run is still waiting for the money (so it can be cancelled or given longer). */
  waiting: boolean;
  /** What is pending and until when the checkout waits for it, while it waits. */
  pending?: { kind: string; settleBy: string };
}

/** What an operator's accepted action answers. */
export interface ActionResult {
  orderId: string;
  action: OperatorActionName;
  status: OrderStatus;
  /** In words: what happened ("refunded through KOMOJU", "mail order_confirmation sent again"). */
  outcome: string;
}

/** Which mail fits which status: resending a confirmation for an unpaid order makes no sense. */
const MAIL_FOR: Record<EmailKind, (facts: OrderFacts) => boolean> = {
  order_confirmation: ({ status }) => status === 'completed',
  konbini_instructions: ({ status, pending }) => status === 'awaiting_payment' && pending?.kind === 'konbini',
  payment_under_review: ({ status, pending }) => status === 'awaiting_payment' && pending?.kind === 'review',
  payment_expired: ({ status }) => status === 'expired',
  order_cancelled: ({ status }) => status === 'cancelled',
  refund_notice: ({ status }) => status === 'refunded' || status === 'refund_required',
};

/** The longest an operator may keep a pending payment open from now. */
export const MAX_EXTENSION_MS = 30 * 24 * 3_600_000;

/** Methods whose money the provider cannot send back: an operator refunds by bank transfer. */
export function refundsByHand({ provider, method }: Pick<OrderFacts, 'provider' | 'method'>): boolean {
  return provider === 'komoju' && method === 'konbini';
}

/** Why the action cannot be taken now, or null when it can. `now`: epoch ms (workflow time in workflows). */
export function refusalOf(action: OperatorAction, facts: OrderFacts, now: number): string | null {
  const { status } = facts;
  if (!action.operator?.trim()) return 'say who you are (operator)';
  if (!action.reason?.trim()) return 'say why (reason)';
  switch (action.action) {
    case 'cancel':
      if (status === 'completed') return 'the order is paid and completed: refund it instead';
      if (status !== 'pending' && status !== 'awaiting_payment') return `the order is already ${status}`;
      return facts.waiting ? null : 'no checkout is waiting for this order';
    case 'refund':
      if (status === 'refund_required') return 'the order is waiting for a refund already: resolve it (resolveRefund)';
      if (status !== 'completed') return status === 'refunded' ? 'the order is refunded already' : `only a paid order can be refunded; this one is ${status}`;
      if (refundsByHand(facts) && !action.bankReference) return `${facts.provider} ${facts.method} cannot refund by itself: refund by bank transfer and give its bankReference`;
      if (!refundsByHand(facts) && action.bankReference) return `${facts.provider} refunds through its API; leave bankReference out`;
      return null;
    case 'resendEmail':
      return MAIL_FOR[action.kind]?.(facts) ? null : `there is no ${action.kind} mail to resend for a ${status} order`;
    case 'markPaid':
      if (status === 'completed' || status === 'refunded' || status === 'refund_required') return `the order is ${status}: it was paid already`;
      return action.paymentReference?.trim() ? null : "give the provider's payment reference";
    case 'extendDeadline': {
      if (status !== 'awaiting_payment' || !facts.waiting || !facts.pending) return `only a pending payment (konbini slip, review) can be given longer; the order is ${status}`;
      const until = Date.parse(action.until);
      if (Number.isNaN(until)) return 'until must be a date and time (ISO 8601)';
      if (until <= Date.parse(facts.pending.settleBy)) return `the checkout already waits until ${facts.pending.settleBy}`;
      if (until > now + MAX_EXTENSION_MS) return 'at most 30 days from now';
      return null;
    }
    case 'reconcile':
      if (status === 'completed' || status === 'refunded') return `the order is ${status}: there is nothing to reconcile`;
      if (status === 'refund_required') return 'the money is here and must go back: resolve the refund (resolveRefund)';
      return null;
    case 'resolveRefund':
      return status === 'refund_required' ? null : `only an order that needs a refund can be resolved; this one is ${status}`;
    default:
      return `unknown action ${(action as { action: string }).action}`;
  }
}
