import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CheckoutView, PricedItem } from '../domain/checkout';
import { orderAmount } from '../domain/checkout';
import type { EventDoc, OrderDoc } from '../db/schema';
import { HttpError } from '../api/errors';

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

const Address = z.strictObject({
  addressRow1: z.string().trim().min(1).max(100),
  addressRow2: z.string().trim().min(1).max(100).optional(),
  postalCode: z.string().trim().regex(/^[0-9A-Za-z -]{2,10}$/, 'must be a postal code'),
  postalArea: z.string().trim().min(1).max(50),
  country: z.enum(['SE', 'NO', 'DK', 'FI']),
});

/** What Resurs Bank needs to grant credit; its own forms need nothing of this for RCO. */
const RESURS_CUSTOMER_FIELDS = ['governmentId', 'phone', 'address'] as const;

export const CreateCheckout = z.strictObject({
  orderId: id.optional(),
  eventId: id,
  items: z
    .array(z.strictObject({ ticketTypeId: id, quantity: z.number().int().min(1).max(20) }))
    .min(1)
    .max(20)
    .refine((items) => new Set(items.map((i) => i.ticketTypeId)).size === items.length, 'each ticket type may appear once'),
  customer: z.strictObject({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200),
    locale: z.enum(['ja', 'en']).default('ja'),
    governmentId: z.string().trim().regex(/^[0-9A-Za-z+-]{6,20}$/, 'must be a national identity number').optional(),
    phone: z.string().trim().regex(/^\+?[0-9 -]{6,20}$/, 'must be a phone number').optional(),
    address: Address.optional(),
  }),
  payment: z.discriminatedUnion('provider', [
    z.strictObject({ provider: z.literal('komoju'), method: z.enum(['credit_card', 'konbini']) }),
    z.strictObject({
      provider: z.literal('resurs'),
      method: z.string().min(1).max(64),
      flow: z.enum(['simplified', 'hosted', 'rco']),
    }),
  ]),
}).superRefine((body, ctx) => {
  if (body.payment.provider !== 'resurs' || body.payment.flow === 'rco') return;
  for (const field of RESURS_CUSTOMER_FIELDS) {
    if (body.customer[field] === undefined) ctx.addIssue({ code: 'custom', path: ['customer', field], message: 'is required for Resurs Bank payments' });
  }
});
export type CreateCheckoutBody = z.infer<typeof CreateCheckout>;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The same order id must come with the same request; key order and defaults do not matter. */
export function requestHash(body: CreateCheckoutBody): string {
  const { orderId: _ignored, ...rest } = body;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}

export function newOrderId(): string {
  return `ord_${randomBytes(10).toString('hex')}`;
}

/** The key to one order's status page and cancel button, handed to the customer's browser. */
export function newClientSecret(orderId: string): string {
  return `${orderId}_secret_${randomBytes(24).toString('base64url')}`;
}

/** Prices the items from the event; an unknown ticket type is a 404, as the contract says. */
export function priceItems(event: EventDoc, items: CreateCheckoutBody['items']): { items: PricedItem[]; amount: number } {
  const priced = items.map((item) => {
    const type = event.ticketTypes.find((t) => t.id === item.ticketTypeId);
    if (!type) throw new HttpError(404, 'not_found', `ticket type ${item.ticketTypeId} not found in event ${event._id}`);
    return { ticketTypeId: type.id, quantity: item.quantity, name: type.name, unitPrice: type.price };
  });
  return { items: priced, amount: orderAmount(priced) };
}

/** The order as the shop's server and operators see it: `GET /checkouts/{orderId}`. */
export function orderView(order: OrderDoc): CheckoutView {
  const { provider, method, reference, status, pending, lastRefusal, paymentId: _id, nextAction: _n, redirectUrl: _r, expiresAt: _e, flow: _f, ...details } = order.payment;
  return {
    orderId: order._id,
    status: order.status,
    statusCode: order.statusCode,
    amount: order.amount,
    currency: order.currency,
    items: order.items,
    customer: { email: order.customer.email, name: order.customer.name },
    payment: { provider, method, reference, status, ...(pending ? { pending } : {}), ...withoutNulls(details), ...(lastRefusal ? { lastRefusal } : {}) },
    ...(order.tickets ? { tickets: order.tickets } : {}),
    history: order.history,
  };
}

/**
 * The order as its customer's browser may see it with the client secret: status, what to do
 * next, tickets; no name, no e-mail address.
 */
export function customerView(order: OrderDoc) {
  const { customer: _personal, payment, ...view } = orderView(order);
  const { lastRefusal: _forOperators, ...shown } = payment;
  const open = order.status === 'pending' && order.payment.nextAction;
  return { ...view, payment: shown, ...(open ? { nextAction: order.payment.nextAction } : {}) };
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined));
}

/** The order's page for its customer; the client secret rides along only to the customer (mails, their own return). */
export function orderPageUrl(storefrontUrl: string, order: OrderDoc, withSecret: boolean): string {
  const page = `${storefrontUrl}/orders/${encodeURIComponent(order._id)}`;
  return withSecret ? `${page}?clientSecret=${encodeURIComponent(order.clientSecret)}` : page;
}
