import type {
  CheckoutView,
  Customer,
  HistoryEntry,
  OrderStatus,
  PaymentChoice,
  PricedItem,
  Ticket,
} from '../domain/checkout';

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
 * Seats of one ticket type. Holds live inside the document (`holds.<orderId>`), so taking,
 * releasing and selling seats are single-document atomic updates: no oversell without
 * transactions, and each is idempotent per order.
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
  holds: Record<string, number>;
  /** Seats sold per order, kept so a refund can give exactly those back, once. */
  sales: Record<string, number>;
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
  payment: PaymentChoice & {
    reference: string | null;
    paymentId: string | null;
    status: string;
    redirectUrl?: string;
    expiresAt?: string;
    konbini?: CheckoutView['payment']['konbini'];
  };
  status: OrderStatus;
  statusCode: number;
  history: HistoryEntry[];
  tickets?: Ticket[];
  createdAt: Date;
  updatedAt: Date;
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

export interface InboxDoc {
  _id: string; // `${provider}:${deliveryId}`
  provider: string;
  type: string;
  orderId: string | null;
  paymentId: string | null;
  receivedAt: Date;
  body: string;
  state: 'recorded' | 'signalled' | 'unroutable' | 'ignored';
  note?: string;
}

export function inventoryId(eventId: string, ticketTypeId: string): string {
  return `${eventId}:${ticketTypeId}`;
}
