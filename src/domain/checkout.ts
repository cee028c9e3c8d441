/**
 * The checkout's vocabulary, shared by the API, the activities and the workflow.
 * Pure types and functions only: the workflow bundle imports this file.
 */

export type OrderStatus =
  | 'pending'
  | 'awaiting_payment'
  | 'completed'
  | 'cancelled'
  | 'expired'
  | 'refunded'
  | 'refund_required';

/** Numeric codes kept from the original ticketing system. */
export const STATUS_CODE: Record<OrderStatus, number> = {
  pending: 0,
  awaiting_payment: 5,
  completed: 1,
  cancelled: 4,
  expired: 4,
  refunded: 2,
  refund_required: 5,
};

/** Which statuses may be left for a given one: a status only ever moves forward. */
const PREDECESSORS: Record<OrderStatus, OrderStatus[]> = {
  pending: [],
  awaiting_payment: ['pending'],
  completed: ['pending', 'awaiting_payment', 'cancelled', 'expired'],
  cancelled: ['pending', 'awaiting_payment'],
  expired: ['pending', 'awaiting_payment'],
  // cancelled / expired: paid after the checkout closed, seats gone, money sent back by the provider.
  refunded: ['pending', 'awaiting_payment', 'completed', 'cancelled', 'expired', 'refund_required'],
  refund_required: ['pending', 'awaiting_payment', 'cancelled', 'expired'],
};

export function predecessorsOf(status: OrderStatus): OrderStatus[] {
  return PREDECESSORS[status];
}

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return PREDECESSORS[to].includes(from);
}

export function isFinal(status: OrderStatus): boolean {
  return status === 'completed' || status === 'cancelled' || status === 'expired' || status === 'refunded';
}

export type Locale = 'ja' | 'en';
export type ProviderName = 'komoju' | 'resurs';

export interface CheckoutItem {
  ticketTypeId: string;
  quantity: number;
}

export interface PricedItem extends CheckoutItem {
  name: string;
  unitPrice: number;
}

export interface Address {
  addressRow1: string;
  addressRow2?: string;
  postalCode: string;
  postalArea: string;
  country: string;
}

export interface Customer {
  email: string;
  name: string;
  locale: Locale;
  /** What Resurs Bank needs to grant credit (national identity number, phone, address). */
  governmentId?: string;
  phone?: string;
  address?: Address;
}

export interface PaymentChoice {
  provider: ProviderName;
  method: string;
  flow?: 'simplified' | 'hosted' | 'rco';
}

/**
 * A payment that exists but is not ours yet because someone else must act first: a konbini slip
 * the customer pays at the store, a payment under the provider's review. The provider module
 * fills it in; the workflow only waits for it, until `settleBy`.
 */
export interface PendingPayment {
  /** A short name for what is pending (`konbini`, `review`); the order view shows `details` under it. */
  kind: string;
  /** In words, for the order's history and operators ("konbini slip issued at lawson"). */
  reason: string;
  /** When the provider stops waiting for the money, if it says. */
  deadline?: string;
  /** When the workflow asks the provider one last time and gives up (deadline plus our grace). */
  settleBy: string;
  /** What the customer needs to act (konbini: store, instructions URL, confirmation code). */
  details?: Record<string, string>;
  /** The mail that tells the customer what to do, sent once. */
  notice?: EmailKind;
  /** What the order becomes if nothing is decided by `settleBy` (default `expired`). */
  lapse?: 'expired' | 'cancelled';
}

/** Where the customer goes next to pay: the provider's page, or a checkout embedded in ours. */
export type NextAction =
  | { type: 'redirect'; url: string }
  | { type: 'embed'; sessionId: string; html?: string; scriptUrl?: string; baseUrl?: string }
  | { type: 'none' };

export type EmailKind =
  | 'order_confirmation'
  | 'konbini_instructions'
  | 'payment_under_review'
  | 'payment_expired'
  | 'order_cancelled'
  | 'refund_notice';

export interface Ticket {
  code: string;
  ticketTypeId: string;
}

export interface HistoryEntry {
  at: string;
  status: OrderStatus;
  reason: string;
}

/** What the workflow is started with: everything it needs, priced and validated by the API. */
export interface CheckoutInput {
  orderId: string;
  requestHash: string;
  eventId: string;
  eventTitle: string;
  items: PricedItem[];
  amount: number;
  currency: string;
  customer: Customer;
  payment: PaymentChoice;
  checkoutTimeoutMs: number;
  /** Lets the customer's browser read this order's status and cancel it (never personal data). */
  clientSecret: string;
}

/** The public shape of a checkout: `GET /checkouts/{orderId}` and the workflow's `status` query. */
export interface CheckoutView {
  orderId: string;
  status: OrderStatus;
  statusCode: number;
  amount: number;
  currency: string;
  items: PricedItem[];
  customer: { email: string; name: string };
  payment: PaymentView;
  tickets?: Ticket[];
  history: HistoryEntry[];
}

/**
 * The payment as the order shows it. While a payment is pending, `pending` says what for; its
 * details stay visible under their kind (`konbini: {store, deadline, instructionsUrl,
 * confirmationCode}`) after it is paid.
 */
export type PaymentView = {
  provider: ProviderName;
  method: string;
  reference: string | null;
  status: string;
  pending?: Omit<PendingPayment, 'details' | 'notice' | 'lapse'>;
} & { [pendingKind: string]: unknown };

/** Files a pending payment into the payment view: `pending`, and its details under its kind. */
export function withPending(payment: PaymentView, pending: PendingPayment): PaymentView {
  const { details, notice: _notice, lapse: _lapse, ...summary } = pending;
  return { ...payment, pending: summary, ...(details ? { [pending.kind]: { ...details, ...(pending.deadline ? { deadline: pending.deadline } : {}) } } : {}) };
}

/** What `POST /checkouts` answers once the provider's page exists. */
export interface OpenedCheckout {
  orderId: string;
  workflowId: string;
  status: OrderStatus;
  /** Set when the next action is a redirect (most providers). */
  redirectUrl?: string;
  nextAction: NextAction;
  expiresAt: string;
  clientSecret: string;
}

export function orderAmount(items: PricedItem[]): number {
  return items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
}
