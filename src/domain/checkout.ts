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
  refunded: ['pending', 'awaiting_payment', 'completed', 'refund_required'],
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

export interface Customer {
  email: string;
  name: string;
  locale: Locale;
}

export interface PaymentChoice {
  provider: ProviderName;
  method: string;
  flow?: 'simplified' | 'hosted' | 'rco';
}

export interface KonbiniSlip {
  store?: string;
  deadline?: string;
  instructionsUrl?: string;
  confirmationCode?: string;
}

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
  konbiniGraceMs: number;
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
  payment: {
    provider: ProviderName;
    method: string;
    reference: string | null;
    status: string;
    konbini?: KonbiniSlip;
  };
  tickets?: Ticket[];
  history: HistoryEntry[];
}

/** What `POST /checkouts` answers once the provider session exists. */
export interface OpenedCheckout {
  orderId: string;
  workflowId: string;
  status: OrderStatus;
  redirectUrl: string;
  expiresAt: string;
}

export function orderAmount(items: PricedItem[]): number {
  return items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
}
