/** What operators and deployments call: /admin/*, health, readiness and metrics. */
import { z } from 'zod';
import { ListCheckoutsQuery, actionNamed, type ActionPath } from '../admin';
import { errors, json, jsonBody, orderIdParam, page, queryParam, security, type Operation, type Paths } from './builders';
import * as ex from './examples';
import { actionSchemaName, fromZod, ref } from './schemas';
import { INBOX_STATES } from './vocabulary';

const adminErrors = (extra: Parameters<typeof errors>[0] = {}) =>
  errors({ 401: ['unauthorized'], 404: ['not_found'], 503: ['unavailable'], ...extra });
const adminNote = 'Bearer `ADMIN_TOKEN`. Without `ADMIN_TOKEN` configured, every `/admin/*` route answers 404.';

const listQuery = ListCheckoutsQuery.shape;
const fromQuery = (schema: z.ZodType, description: string) => {
  const { description: _, ...json } = fromZod(schema, description);
  return json;
};

/**
 * Each operator action: what it does, which order of the contract run its example names, and
 * its example body. Every one is a workflow update whose validator may refuse it (409).
 */
const ACTIONS: Record<ActionPath, { summary: string; description: string; orderId: string; answer: { status: string; outcome: string }; example: Record<string, unknown>; failures?: boolean }> = {
  cancel: { summary: 'Cancel an unpaid checkout', description: 'Voids a pending payment first, so no money can come after the seats are released. Refused for a paid order (refund it instead).', orderId: 'order-2', answer: { status: 'cancelled', outcome: 'cancelled; the seats are released' }, example: {} },
  refund: {
    summary: 'Refund a paid order',
    description: 'Card: through the provider. Konbini (KOMOJU cannot refund it): refund by bank transfer, then record it here with `bankReference`. The seats go back on sale and the customer is mailed. Refused for an unpaid order.',
    orderId: 'order-1',
    answer: { status: 'refunded', outcome: 'refunded through KOMOJU; the seats are back on sale' }, example: {},
    failures: true,
  },
  'resend-email': { summary: 'Send a mail again', description: 'Only a mail that fits the order now (`order_confirmation` for a completed order, `konbini_instructions` while a slip is open, …). Sent as a mail of its own.', orderId: 'order-2', answer: { status: 'cancelled', outcome: 'mail order_cancelled sent again' }, example: { kind: 'order_cancelled' }, failures: true },
  'mark-paid': {
    summary: 'Mark paid after a manual reconciliation',
    description: "`paymentReference` is the provider's payment id. The provider must confirm it is this order's payment, captured, in full; then the order completes as if its webhook had come (a closed checkout's seats are held again; if they are gone the money goes back).",
    orderId: 'order-1',
    answer: { status: 'completed', outcome: 'KOMOJU confirms payment pay_5b7e21; the order is completed' }, example: { paymentReference: 'pay_5b7e21' },
    failures: true,
  },
  'extend-deadline': { summary: 'Give a konbini slip or a review longer', description: 'The checkout waits until `until` (at most 30 days from now) before asking the provider one last time. `PaymentDeadline` moves with it.', orderId: 'order-2', answer: { status: 'awaiting_payment', outcome: 'the checkout now waits until 31 Dec 23:59 JST' }, example: { until: '2026-12-31T14:59:59Z' } },
  reconcile: { summary: 'Ask the provider now', description: 'For when a webhook never came: the provider is asked at once and the checkout acts on its answer (a closed checkout found paid completes, as a late payment).', orderId: 'order-1', answer: { status: 'pending', outcome: 'KOMOJU says the payment is captured; the checkout acts on it' }, example: {}, failures: true },
  'resolve-refund': {
    summary: 'Settle an order that needs a refund',
    description: 'For `refund_required`: with `bankReference`, records the bank transfer an operator made; without, asks the provider to refund again.',
    orderId: 'order-1',
    answer: { status: 'refunded', outcome: 'refunded by bank transfer MUFG-20261124-0042' }, example: { bankReference: 'MUFG-20261124-0042' },
    failures: true,
  },
};

function actionOperation(path: ActionPath, spec: (typeof ACTIONS)[ActionPath]): Operation {
  const name = actionNamed(path);
  return {
    operationId: `admin${name[0].toUpperCase()}${name.slice(1)}`,
    tags: ['Operators'],
    summary: spec.summary,
    description: `${adminNote} ${spec.description} Recorded with \`operator\` and \`reason\` in the checkout's workflow history and in \`operations\` of \`GET /admin/checkouts/{orderId}\`.`,
    security: security.admin,
    parameters: [orderIdParam(spec.orderId)],
    requestBody: jsonBody(actionSchemaName(path), { example: { summary: spec.summary, value: { operator: 'aki.ops', reason: 'customer called', ...spec.example } } }),
    responses: {
      200: json('accepted and carried out', ref('ActionResult'), { orderId: spec.orderId, action: name, ...spec.answer }),
      ...adminErrors({ 400: ['invalid_request', 'invalid_json'], 409: ['action_rejected'], ...(spec.failures ? { 422: ['action_failed'] } : {}) }),
    },
  };
}

export const operatorPaths: Paths = {
  '/admin/checkouts': {
    get: {
      operationId: 'adminListCheckouts',
      tags: ['Operators'],
      summary: 'Checkouts, newest first, optionally by status',
      description: `${adminNote} E.g. \`?status=refund_required\`: konbini money that arrived for seats already gone, to refund by hand.`,
      security: security.admin,
      parameters: [
        queryParam('status', 'only checkouts in this status', fromQuery(listQuery.status, 'status'), 'pending'),
        queryParam('limit', 'at most this many', fromQuery(listQuery.limit, 'limit'), 50),
      ],
      responses: { 200: json('the checkouts, as the shop sees them', ref('CheckoutList'), { checkouts: [ex.completed] }), ...adminErrors({ 400: ['invalid_request'] }) },
    },
  },
  '/admin/checkouts/{orderId}': {
    get: {
      operationId: 'adminGetCheckout',
      tags: ['Operators'],
      summary: "One checkout, with the operators' actions on it",
      description: adminNote,
      security: security.admin,
      parameters: [orderIdParam()],
      responses: { 200: json('the checkout and its operations', ref('AdminCheckout'), { ...ex.completed, operations: [ex.operation] }), ...adminErrors() },
    },
  },
  ...Object.fromEntries(Object.entries(ACTIONS).map(([path, spec]) => [`/admin/checkouts/{orderId}/${path}`, { post: actionOperation(path as ActionPath, spec) }])),
  '/admin/webhooks': {
    get: {
      operationId: 'adminListWebhooks',
      tags: ['Operators'],
      summary: 'Recorded provider events, newest first (at most 100)',
      description: `${adminNote} \`mismatched\`: a payment that belongs to another order; \`refused\`: the provider would not confirm (offered again later); \`unroutable\`: no such order here.`,
      security: security.admin,
      parameters: [queryParam('state', 'only events in this state', { type: 'string', enum: INBOX_STATES }, 'mismatched')],
      responses: { 200: json('the events, without their bodies', ref('InboxEventList'), ex.inboxEvents), ...adminErrors() },
    },
  },
  
  '/healthz': {
    get: {
      operationId: 'health',
      tags: ['Health'],
      summary: 'Liveness',
      security: security.open,
      responses: { 200: json('the process answers', ref('Health'), { status: 'ok' }) },
    },
  },
  '/readyz': {
    get: {
      operationId: 'readiness',
      tags: ['Health'],
      summary: 'Readiness: MongoDB and Temporal reachable',
      security: security.open,
      responses: {
        200: json('ready', ref('Readiness'), { status: 'ready', mongodb: 'ok', temporal: 'ok' }),
        503: json('a dependency is unreachable', ref('Readiness'), { status: 'not_ready', mongodb: 'ok', temporal: 'unreachable' }),
      },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      tags: ['Health'],
      summary: 'Prometheus metrics',
      description: '`checkout_http_requests_total{method,route,status}`, and `checkout_webhook_inbox_unsignalled`: the relay\'s backlog (webhooks recorded, not yet delivered to their checkout).',
      security: security.open,
      responses: { 200: page('Prometheus text exposition format', 'text/plain') },
    },
  },
};
