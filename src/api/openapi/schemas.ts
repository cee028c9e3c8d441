/**
 * The API description's schemas. What clients send comes from the zod schemas the routes parse
 * with (one source of truth); what the API answers is written here, because the answers are
 * built from TypeScript types, and `test/api/openapi.test.ts` checks real answers against it.
 */
import { z } from 'zod';
import { CreateCheckout } from '../../checkout/request';
import type { NextAction } from '../../domain/checkout';
import { OPERATOR_ACTIONS } from '../../domain/operations';
import { ACTION_BODIES, type ActionPath } from '../admin';
import { CodecRequest } from '../codec';
import { CreateEvent } from '../events';
import { OpenSession, Rejection } from '../resurs-checkout';
import { ERROR_CODES, EVENT_SOURCES, INBOX_STATES, ORDER_STATUSES, PAYMENT_STATUSES, SIGNALS } from './vocabulary';

export type Schema = Record<string, unknown>;

/** `mark-paid` → `MarkPaidRequest`. */
export const actionSchemaName = (path: ActionPath) => `${path.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Request`;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client may send. */
export function fromZod(schema: z.ZodType, description: string): Schema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Schema;
  return { description, ...json };
}

const text = { type: 'string' };
const dateTime = { type: 'string', format: 'date-time' };
const object = (properties: Record<string, Schema>, required: string[], extra: Schema = {}): Schema => ({ type: 'object', properties, required, additionalProperties: false, ...extra });

/** One schema per kind of next action: the compiler insists on every kind the code has. */
const NEXT_ACTIONS: Record<NextAction['type'], Schema> = {
  redirect: object({ type: { const: 'redirect' }, url: { type: 'string', format: 'uri' } }, ['type', 'url']),
  embed: object({ type: { const: 'embed' }, sessionId: text, html: text, scriptUrl: { type: 'string', format: 'uri' }, baseUrl: { type: 'string', format: 'uri' } }, ['type', 'sessionId']),
  none: object({ type: { const: 'none' } }, ['type']),
};

const orderStatus = { type: 'string', enum: ORDER_STATUSES, description: 'only moves forward; see docs/api.md "Orders"' };

const checkout = object(
  {
    orderId: text,
    status: orderStatus,
    statusCode: { type: 'integer', enum: [0, 1, 2, 4, 5], description: 'the original ticketing system\'s code: 0 pending, 5 awaiting payment or refund required, 1 completed, 4 cancelled or expired, 2 refunded' },
    amount: { type: 'integer' },
    currency: text,
    items: { type: 'array', items: ref('PricedItem') },
    customer: object({ email: { type: 'string', format: 'email' }, name: text }, ['email', 'name']),
    payment: ref('Payment'),
    tickets: { type: 'array', items: ref('Ticket') },
    history: { type: 'array', items: ref('HistoryEntry') },
  },
  ['orderId', 'status', 'statusCode', 'amount', 'currency', 'items', 'customer', 'payment', 'history'],
  { description: "The order as the shop's server and operators see it." },
);

export const schemas: Record<string, Schema> = {
  CreateEvent: fromZod(CreateEvent, 'An event and its ticket types; prices in whole yen.'),
  CreateCheckout: fromZod(
    CreateCheckout,
    'A checkout. A Resurs payment (flow `simplified` or `hosted`) also needs `customer.governmentId`, `customer.phone` and `customer.address` (400 naming the field otherwise).',
  ),

  OpenResursCheckout: fromZod(OpenSession, 'The cart of a Resurs Checkout iframe, before the order exists: priced from the event, no seats held.'),
  ResursCheckoutRejection: fromZod(Rejection, 'A purchase attempt the iframe denied or failed, and what the customer was told.'),

  Error: object(
    {
      error: object(
        {
          code: { type: 'string', enum: Object.keys(ERROR_CODES), description: Object.entries(ERROR_CODES).map(([code, meaning]) => `- \`${code}\`: ${meaning}`).join('\n') },
          message: { ...text, description: 'for people; never a stack trace' },
          details: { description: 'with `invalid_request`: every issue as `{field, message}`; with `provider_unavailable`: `{orderId, retryAfterSeconds}`' },
        },
        ['code', 'message'],
      ),
    },
    ['error'],
  ),

  TicketTypeSeats: object(
    {
      id: text,
      name: text,
      price: { type: 'integer' },
      capacity: { type: 'integer' },
      sold: { type: 'integer' },
      reserved: { type: 'integer', description: 'held by open checkouts' },
      available: { type: 'integer' },
    },
    ['id', 'name', 'price', 'capacity', 'sold', 'reserved', 'available'],
  ),
  Event: object(
    { id: text, title: text, currency: { const: 'JPY' }, ticketTypes: { type: 'array', items: ref('TicketTypeSeats') }, totalSales: { type: 'integer', description: 'revenue of the seats sold' } },
    ['id', 'title', 'currency', 'ticketTypes', 'totalSales'],
  ),

  NextAction: {
    description: "Where the customer goes next: the provider's page, a checkout embedded in the shop's page, or nowhere (the provider decided at once).",
    oneOf: Object.values(NEXT_ACTIONS),
  },
  OpenedCheckout: object(
    {
      orderId: text,
      workflowId: { ...text, description: '`checkout-{orderId}`' },
      status: orderStatus,
      redirectUrl: { type: 'string', format: 'uri', description: 'the same URL as `nextAction.url` when the next action is a redirect' },
      nextAction: ref('NextAction'),
      expiresAt: { ...dateTime, description: "when the provider's page stops taking a payment" },
      clientSecret: { ...text, description: "for the customer's browser only: hand it to the order page, never log it" },
    },
    ['orderId', 'workflowId', 'status', 'nextAction', 'expiresAt', 'clientSecret'],
  ),

  ResursCheckoutSession: object(
    {
      orderId: text,
      amount: { type: 'integer' },
      currency: text,
      reference: { ...text, description: 'the Resurs payment the purchase becomes (the order id)' },
      sessionId: { ...text, description: "Resurs' paymentSessionId" },
      iframeUrl: { type: 'string', format: 'uri', description: 'put it in an iframe on the shop page' },
      origin: { ...text, description: "the iframe's messages come from this origin; post yours to it" },
    },
    ['orderId', 'amount', 'currency', 'reference', 'sessionId', 'iframeUrl', 'origin'],
  ),
  ResursCheckoutRejections: object(
    { orderId: text, rco_rejected_once: { const: true }, rco_rejected: { type: 'array', items: text }, rco_reject_message: text },
    ['orderId', 'rco_rejected_once', 'rco_rejected', 'rco_reject_message'],
  ),

  PricedItem: object({ ticketTypeId: text, quantity: { type: 'integer' }, name: text, unitPrice: { type: 'integer' } }, ['ticketTypeId', 'quantity', 'name', 'unitPrice']),
  HistoryEntry: object({ at: dateTime, status: orderStatus, reason: text }, ['at', 'status', 'reason']),
  Ticket: object({ code: text, ticketTypeId: text }, ['code', 'ticketTypeId']),
  Payment: {
    type: 'object',
    description: "The payment as the provider reports it, normalised. While a payment is pending, `pending` says what for; its details stay under its kind (`konbini`, …) after it is paid. Provider records (`resurs`) show the provider's side.",
    properties: {
      provider: { type: 'string', enum: ['komoju', 'resurs'] },
      method: text,
      reference: { type: ['string', 'null'], description: "the provider's handle for this checkout (KOMOJU session, Resurs payment id)" },
      status: { type: 'string', enum: PAYMENT_STATUSES },
      pending: object({ kind: text, reason: text, deadline: dateTime, settleBy: dateTime }, ['kind', 'reason', 'settleBy']),
      konbini: { type: 'object', properties: { store: text, deadline: dateTime, instructionsUrl: { type: 'string', format: 'uri' }, confirmationCode: text }, additionalProperties: text },
      resurs: {
        type: 'object',
        properties: {
          checkoutType: text,
          paymentMethod: text,
          resursReference: text,
          apiDataId: text,
          orderSigningPayload: text,
          rco_rejected_once: { type: 'boolean', description: 'Resurs Checkout: the customer was denied or failed at least once' },
          rco_rejected: { type: 'array', items: text, description: 'one row per rejection: `"<fail|deny> (<time>)"`' },
          rco_reject_message: { ...text, description: 'the text the customer saw at the last rejection' },
        },
        additionalProperties: text,
      },
      lastRefusal: object({ at: dateTime, message: text }, ['at', 'message'], { description: 'the last time the provider refused to answer (shop and operators only)' }),
    },
    required: ['provider', 'method', 'reference', 'status'],
    additionalProperties: { type: 'object', additionalProperties: text, description: 'details of another pending kind' },
  },
  Checkout: checkout,
  CustomerCheckout: object(
    {
      orderId: text,
      status: orderStatus,
      statusCode: { type: 'integer', enum: [0, 1, 2, 4, 5] },
      amount: { type: 'integer' },
      currency: text,
      items: { type: 'array', items: ref('PricedItem') },
      payment: { allOf: [ref('Payment'), { type: 'object', properties: { lastRefusal: false } }] },
      tickets: { type: 'array', items: ref('Ticket') },
      history: { type: 'array', items: ref('HistoryEntry') },
      nextAction: { allOf: [ref('NextAction')], description: 'while pending: "continue payment"' },
    },
    ['orderId', 'status', 'statusCode', 'amount', 'currency', 'items', 'payment', 'history'],
    { description: "The order as its customer's browser sees it with the client secret: no name, no e-mail address, no provider refusals." },
  ),
  CancelAccepted: object({ orderId: text, workflowId: text, status: orderStatus, cancelling: { const: true } }, ['orderId', 'workflowId', 'status', 'cancelling']),

  PaymentMethods: object(
    {
      provider: text,
      methods: {
        type: 'array',
        items: object({ id: text, description: text, type: text, minLimit: { type: 'number' }, maxLimit: { type: 'number' } }, ['id', 'description']),
      },
    },
    ['provider', 'methods'],
  ),
  KomojuEvent: {
    type: 'object',
    description: 'A KOMOJU webhook event. Only `id`, `type` and `data.{id, external_order_num, session}` are read; the outcome is always asked of KOMOJU\'s API.',
    properties: {
      id: text,
      type: { ...text, examples: ['payment.captured', 'payment.authorized', 'payment.expired', 'payment.cancelled', 'payment.refunded', 'ping'] },
      data: { type: 'object', properties: { id: text, external_order_num: text, session: text } },
    },
    required: ['id'],
  },
  WebhookReceived: object({ received: { const: true }, duplicate: { type: 'boolean', description: 'true when this event id was recorded before' } }, ['received', 'duplicate']),

  CheckoutList: object({ checkouts: { type: 'array', items: ref('Checkout') } }, ['checkouts']),
  ...Object.fromEntries(Object.entries(ACTION_BODIES).map(([path, body]) => [actionSchemaName(path as ActionPath), fromZod(body, `What \`POST /admin/checkouts/{orderId}/${path}\` takes: who asks (\`operator\`) and why (\`reason\`), kept with the action.`)])),
  ActionResult: object(
    {
      orderId: text,
      action: { type: 'string', enum: OPERATOR_ACTIONS, description: "the checkout workflow's update that carried it out" },
      status: orderStatus,
      outcome: { ...text, description: 'what happened, in words' },
    },
    ['orderId', 'action', 'status', 'outcome'],
  ),
  AdminCheckout: {
    ...checkout,
    description: "The order as operators see it, with their accepted actions.",
    properties: {
      ...(checkout.properties as Record<string, Schema>),
      operations: {
        type: 'array',
        description: "operators' accepted actions, oldest first",
        items: object({ id: { ...text, description: "the workflow update's id" }, at: dateTime, action: { type: 'string', enum: OPERATOR_ACTIONS }, operator: text, reason: text, outcome: text }, ['id', 'at', 'action', 'operator', 'reason', 'outcome']),
      },
    },
    required: [...(checkout.required as string[]), 'operations'],
  },
  InboxEvent: object(
    {
      _id: { ...text, description: '`{provider}:{eventId}`, or `return:…`, `reconcile:…`, `cancel:…` for events the service recorded itself' },
      provider: text,
      source: { type: 'string', enum: EVENT_SOURCES },
      type: text,
      orderId: { type: ['string', 'null'] },
      paymentId: { type: ['string', 'null'] },
      signal: { enum: [...SIGNALS, null] },
      receivedAt: dateTime,
      state: { type: 'string', enum: INBOX_STATES },
      dueAt: dateTime,
      attempts: { type: 'integer' },
      claimedBy: text,
      note: text,
    },
    ['_id', 'provider', 'source', 'type', 'state', 'receivedAt'],
    { description: 'One recorded provider event; the stored body is not shown (it may carry customer data).' },
  ),
  InboxEventList: object({ webhooks: { type: 'array', items: ref('InboxEvent') } }, ['webhooks']),

  CodecPayloads: fromZod(CodecRequest, "Temporal payloads in proto3 JSON: `metadata` values and `data` in base64. An encrypted one has `metadata.encoding` = base64 of `binary/encrypted` and `metadata.encryption-key-id` = base64 of the key's id."),

  Health: object({ status: { const: 'ok' } }, ['status']),
  Readiness: object(
    { status: { enum: ['ready', 'not_ready'] }, mongodb: { enum: ['ok', 'unreachable'] }, temporal: { enum: ['ok', 'unreachable'] } },
    ['status', 'mongodb', 'temporal'],
  ),
};
