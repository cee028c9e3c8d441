import type {
  Customer,
  HistoryEntry,
  OrderStatus,
  NextAction,
  PaymentChoice,
  PaymentView,
  PricedItem,
  Ticket,
} from '../domain/checkout';
import type { PaymentEvent, PaymentEventKind } from '../temporal/messages';

export interface TicketTypeDef {
  id: string;
  name: string;
  price: number;
  capacity: number;
}

export interface EventDoc {
  _id: string;
  title: string;
  currency: string;
  ticketTypes: TicketTypeDef[];
  createdAt: Date;
}

/**
 * Seats of one ticket type: counters only, so every seat operation rewrites a small document
 * however many orders there are. Each order's seats are a SeatHoldDoc of their own.
 */
export interface InventoryDoc {
  _id: string; // `${eventId}:${ticketTypeId}`
  eventId: string;
  ticketTypeId: string;
  capacity: number;
  available: number;
  reserved: number;
  sold: number;
  revenue: number;
  /** Seat changes in flight, `${orderId}:${step}`: one per step at a time (see activities/seat-ledger.ts). */
  pending?: string[];
  /** The same markers with the run that made each, `${orderId}:${step}@${run}`. */
  pendingRuns?: string[];
  /** Written by the code before seatHolds, for checkouts in flight at the deploy; never written now. */
  holds?: Record<string, number>;
  sales?: Record<string, number>;
}

/**
 * held → sold → released; holding, selling and releasing say a change of the counters is in
 * flight. refused: a hold that found no seats. A late payment may hold a released order again.
 */
export type SeatState = 'holding' | 'held' | 'selling' | 'sold' | 'releasing' | 'released' | 'refused';

/** One order's seats of one ticket type. */
export interface SeatHoldDoc {
  _id: string; // `${eventId}:${ticketTypeId}:${orderId}`
  eventId: string;
  ticketTypeId: string;
  orderId: string;
  quantity: number;
  /** Set when sold: a refund takes back exactly that revenue. */
  unitPrice: number;
  state: SeatState;
  /** How many times the order has started holding these seats (a late payment holds again). */
  round: number;
  /** What a release gives back: a hold, or seats sold. */
  releasedFrom?: 'held' | 'sold';
  /** Per step (`hold1`, `sell1`, `release1`…): the run whose change of the counters counts. */
  applied: Record<string, string>;
  updatedAt: Date;
}

export interface OrderDoc {
  _id: string; // orderId
  requestHash: string;
  workflowId: string;
  eventId: string;
  items: PricedItem[];
  amount: number;
  currency: string;
  customer: Customer;
  /** Lets the customer's browser read this order's status and cancel it. */
  clientSecret: string;
  payment: PaymentChoice & {
    reference: string | null;
    paymentId: string | null;
    status: string;
    nextAction?: NextAction;
    redirectUrl?: string;
    expiresAt?: string;
    pending?: PaymentView['pending'];
    /** The last time the provider refused to answer about this order (operators look here). */
    lastRefusal?: { at: string; message: string };
  } & { [pendingKind: string]: unknown };
  status: OrderStatus;
  statusCode: number;
  history: HistoryEntry[];
  tickets?: Ticket[];
  /** What operators did to the order, with who and why. */
  operations?: OperatorActionRecord[];
  createdAt: Date;
  updatedAt: Date;
}

export interface OperatorActionRecord {
  /** The workflow update's id: one record per request, however often it is retried. */
  id: string;
  at: string;
  action: string;
  operator: string;
  reason: string;
  outcome: string;
}

export interface TicketDoc {
  _id: string; // `${orderId}:${n}`
  orderId: string;
  eventId: string;
  ticketTypeId: string;
  code: string;
  seq: number;
  issuedAt: Date;
}

export interface EmailDoc {
  _id: string; // `${orderId}:${kind}`
  orderId: string;
  kind: string;
  to: string;
  messageId: string;
  state: 'sending' | 'sent';
  attempts: number;
  sentAt?: Date;
}

/**
 * One provider event (webhook, callback) or verified customer return, recorded before anyone
 * acts on it. The relay moves `recorded` ones to their checkout: `delivering` while a relay holds
 * it, then `signalled`. The workflow may mark what it could not use: `mismatched` (the payment
 * is another order's), `refused` (the provider would not confirm; retried later).
 */
export type InboxState = 'recorded' | 'delivering' | 'signalled' | 'unroutable' | 'ignored' | 'mismatched' | 'refused';

export interface InboxDoc {
  _id: string; // `${provider}:${eventId}`, or `return:${orderId}:${status}:${paymentId}`
  provider: string;
  source: PaymentEvent['source'];
  type: string;
  orderId: string | null;
  paymentId: string | null;
  /** The checkout signal it becomes; null when it needs none. */
  signal: PaymentEventKind | null;
  receivedAt: Date;
  body: string;
  state: InboxState;
  /** When the relay may (re)deliver it. */
  dueAt?: Date;
  attempts?: number;
  claimedBy?: string;
  note?: string;
}

export function inventoryId(eventId: string, ticketTypeId: string): string {
  return `${eventId}:${ticketTypeId}`;
}

export function seatHoldId(eventId: string, ticketTypeId: string, orderId: string): string {
  return `${eventId}:${ticketTypeId}:${orderId}`;
}
