/** What the shop's server and the customer's browser call: events, checkouts, payment methods. */
import { errors, json, jsonBody, orderIdParam, pathParam, seeOther, security, type Paths } from './builders';
import * as ex from './examples';
import { ref } from './schemas';

export const shopPaths: Paths = {
  '/events': {
    post: {
      operationId: 'createEvent',
      tags: ['Events'],
      summary: 'Create an event and its seats',
      description: 'Needs the operators\' token when `ADMIN_TOKEN` is set; open otherwise (development).',
      security: security.admin,
      requestBody: jsonBody('CreateEvent', ex.createEvent),
      responses: {
        201: json('the event, every seat available', ref('Event'), { ...ex.event, ticketTypes: [{ ...ex.event.ticketTypes[0], sold: 0, reserved: 0, available: 100 }], totalSales: 0 }),
        ...errors({ 400: ['invalid_request', 'invalid_json'], 401: ['unauthorized'], 409: ['already_exists'], 413: ['payload_too_large'], 503: ['unavailable'] }),
      },
    },
  },
  '/events/{eventId}': {
    get: {
      operationId: 'getEvent',
      tags: ['Events'],
      summary: 'Seats and sales of an event',
      security: security.open,
      parameters: [pathParam('eventId', 'the event id', { type: 'string' }, 'live')],
      responses: { 200: json('per ticket type: capacity, sold, reserved (held by open checkouts), available; and the total sales', ref('Event'), ex.event), ...errors({ 404: ['not_found'], 503: ['unavailable'] }) },
    },
  },
  '/checkouts': {
    post: {
      operationId: 'createCheckout',
      tags: ['Checkouts'],
      summary: 'Start a checkout: hold the seats and open the provider\'s page',
      description: [
        'Seats are held and the answer says where the customer goes next (`nextAction`). Idempotent by `orderId`: the same `orderId` with the same request answers 200 and the same body.',
        'Rate-limited per client (the bearer token, else the address): `CHECKOUT_RATE_LIMIT`, with `RateLimit` / `RateLimit-Policy` headers.',
        'Needs the shop\'s `API_TOKEN` when one is configured (always in production).',
      ].join('\n\n'),
      security: security.shop,
      requestBody: jsonBody('CreateCheckout', ex.createCheckout),
      responses: {
        200: json('the same request for the same `orderId` again: the same answer', ref('OpenedCheckout'), ex.opened),
        201: json('seats held, provider page open', ref('OpenedCheckout'), ex.opened),
        ...errors({
          400: ['invalid_request', 'invalid_json'],
          401: ['unauthorized'],
          404: ['not_found'],
          409: ['sold_out', 'idempotency_conflict', 'checkout_cancelled', 'checkout_closed'],
          413: ['payload_too_large'],
          422: ['provider_not_configured', 'flow_not_offered'],
          429: ['rate_limited'],
          502: ['provider_error'],
          503: ['provider_unavailable', 'unavailable'],
        }),
      },
    },
  },
  '/checkouts/{orderId}': {
    get: {
      operationId: 'getCheckout',
      tags: ['Checkouts'],
      summary: 'A checkout\'s status, payment, tickets and history',
      description: 'With the shop\'s token: the full order. With the order\'s client secret (and no token): the customer\'s view, without name, e-mail address or provider refusals, and with `nextAction` while pending. A wrong secret is answered like an unknown order.',
      security: security.shopOrCustomer,
      parameters: [orderIdParam()],
      responses: {
        200: {
          description: 'the order',
          headers: { 'Cache-Control': { schema: { const: 'no-store' } } },
          content: {
            'application/json': {
              schema: { oneOf: [ref('Checkout'), ref('CustomerCheckout')] },
              examples: {
                completed: { summary: 'shop: a completed card order', value: ex.completed },
                konbini: { summary: 'shop: a konbini slip waiting to be paid', value: ex.awaitingKonbini },
                customer: { summary: 'customer (client secret): still at the provider', value: ex.customerPending },
              },
            },
          },
        },
        ...errors({ 401: ['unauthorized'], 404: ['not_found'], 503: ['unavailable'] }),
      },
    },
  },
  '/checkouts/{orderId}/cancel': {
    post: {
      operationId: 'cancelCheckout',
      tags: ['Checkouts'],
      summary: 'Cancel an unpaid checkout',
      description: 'The checkout asks the provider first: a payment made at the last second still completes the order. The order page\'s button posts a form with the client secret and is answered with a 303 back to the order page.',
      security: security.shopOrCustomer,
      parameters: [orderIdParam()],
      requestBody: {
        required: false,
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', properties: { clientSecret: { type: 'string' } }, required: ['clientSecret'] },
            example: { clientSecret: ex.opened.clientSecret },
          },
        },
      },
      responses: {
        202: json('cancelling: the checkout ends shortly and its seats are released', ref('CancelAccepted'), ex.cancelAccepted),
        303: seeOther('a form post: back to the order page'),
        ...errors({ 401: ['unauthorized'], 404: ['not_found'], 409: ['not_cancellable'], 413: ['payload_too_large'], 503: ['unavailable'] }),
      },
    },
  },
  '/resurs/payment-methods': {
    get: {
      operationId: 'listResursPaymentMethods',
      tags: ['Checkouts'],
      summary: 'The payment methods the Resurs Bank account offers',
      description: 'For the shop\'s checkout form; `id` is the `payment.method` of a Resurs checkout. Asked of Resurs at most once a minute. (KOMOJU\'s methods are fixed: `credit_card`, `konbini`.)',
      security: security.open,
      responses: {
        200: json('the methods', ref('PaymentMethods'), ex.paymentMethods, { 'Cache-Control': { schema: { const: 'public, max-age=60' } } }),
        ...errors({ 404: ['not_found'], 503: ['provider_unavailable'] }),
      },
    },
  },
};
