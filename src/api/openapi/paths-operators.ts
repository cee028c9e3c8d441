/** What operators and deployments call: /admin/*, health, readiness and metrics. */
import { z } from 'zod';
import { ListCheckoutsQuery } from '../admin';
import { errors, json, orderIdParam, page, queryParam, security, type Paths } from './builders';
import * as ex from './examples';
import { fromZod, ref } from './schemas';
import { INBOX_STATES } from './vocabulary';

const adminErrors = (extra: Parameters<typeof errors>[0] = {}) =>
  errors({ 401: ['unauthorized'], 404: ['not_found'], 503: ['unavailable'], ...extra });
const adminNote = 'Bearer `ADMIN_TOKEN`. Without `ADMIN_TOKEN` configured, every `/admin/*` route answers 404.';

const listQuery = ListCheckoutsQuery.shape;
const fromQuery = (schema: z.ZodType, description: string) => {
  const { description: _, ...json } = fromZod(schema, description);
  return json;
};

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
  '/admin/checkouts/{orderId}/cancel': {
    post: {
      operationId: 'adminCancelCheckout',
      tags: ['Operators'],
      summary: 'Cancel an unpaid checkout',
      description: adminNote,
      security: security.admin,
      parameters: [orderIdParam('order-2')],
      responses: { 202: json('cancelling', ref('AdminCancelAccepted'), ex.adminCancelAccepted), ...adminErrors({ 409: ['not_cancellable'] }) },
    },
  },
  '/admin/checkouts/{orderId}/reconcile': {
    post: {
      operationId: 'adminReconcileCheckout',
      tags: ['Operators'],
      summary: 'Ask the provider now and tell the checkout',
      description: `${adminNote} For when a webhook never came: what the provider says is recorded like a webhook and relayed to the checkout.`,
      security: security.admin,
      parameters: [orderIdParam()],
      responses: { 200: json("the provider's answer and the signal recorded", ref('Reconciled'), ex.reconciled), ...adminErrors({ 409: ['not_reconcilable'] }) },
    },
  },
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
