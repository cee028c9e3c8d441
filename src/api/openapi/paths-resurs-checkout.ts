/** Resurs Checkout (the iframe on the shop's page): its session before the order, and its rejections. */
import { errors, json, jsonBody, orderIdParam, security, type Paths } from './builders';
import * as ex from './examples';
import { ref } from './schemas';

export const resursCheckoutPaths: Paths = {
  '/checkouts/resurs/sessions': {
    post: {
      operationId: 'openResursCheckoutSession',
      tags: ['Resurs Checkout'],
      summary: 'Open the Resurs Checkout iframe for an order id (no seats held yet)',
      description: [
        'The purchase happens in Resurs\' iframe on the shop\'s page, so the iframe exists before the order: put `iframeUrl` in an iframe, answer its `checkout:loaded` with `checkout:set-purchase-button-interceptor` (`checkOrderBeforeBooking: true`), and on `checkout:booking-order` call `POST /checkouts` (flow `rco`, the same `orderId`), then answer `checkout:order-status` with `orderReady` = the checkout is `pending`.',
        'Order ids: letters, digits and `-` only (Resurs\' rule). `GET /shop/rco.js` does all of this for a page.',
      ].join('\n\n'),
      security: security.shop,
      requestBody: jsonBody('OpenResursCheckout', { example: { summary: 'one ticket, invoice', value: ex.openResursCheckout } }),
      responses: {
        201: json('the iframe session', ref('ResursCheckoutSession'), ex.resursCheckoutSession),
        ...errors({
          400: ['invalid_request', 'invalid_json'],
          401: ['unauthorized'],
          404: ['not_found'],
          409: ['checkout_exists'],
          413: ['payload_too_large'],
          422: ['provider_not_configured'],
          429: ['rate_limited'],
          502: ['provider_error'],
          503: ['provider_unavailable', 'unavailable'],
        }),
      },
    },
  },
  '/checkouts/{orderId}/resurs/rejections': {
    post: {
      operationId: 'reportResursCheckoutRejection',
      tags: ['Resurs Checkout'],
      summary: 'Record that the iframe denied or failed a purchase attempt',
      description:
        'On `checkout:purchase-denied` (`deny`) or `checkout:purchase-failed` (`fail`), with the text the customer saw. The order keeps `payment.resurs.rco_rejected_once`, one `rco_rejected` row per rejection and the last `rco_reject_message`; it is not failed (the customer may try again in the same iframe), and Resurs is not called. Only while the checkout is pending.',
      security: security.shopOrCustomer,
      parameters: [orderIdParam(ex.RCO_ORDER)],
      requestBody: jsonBody('ResursCheckoutRejection', { deny: { summary: 'a denial', value: ex.rejection } }),
      responses: {
        201: json('recorded; the order\'s rejection record now', ref('ResursCheckoutRejections'), { orderId: ex.RCO_ORDER, rco_rejected_once: true, rco_rejected: ['deny (2025-06-01T10:05:00.000Z)'], rco_reject_message: ex.rejection.message }),
        ...errors({ 400: ['invalid_request', 'invalid_json'], 401: ['unauthorized'], 404: ['not_found'], 409: ['not_resurs_checkout', 'checkout_closed'], 413: ['payload_too_large'], 503: ['unavailable'] }),
      },
    },
  },
  '/shop/rco.js': {
    get: {
      operationId: 'resursCheckoutScript',
      tags: ['Resurs Checkout'],
      summary: 'The shop page\'s side of Resurs Checkout',
      description: '`window.resursCheckout.start(body, container)`: `body` is the `POST /checkouts` body (flow `rco`, with an `orderId`); it opens the session, embeds the iframe, creates the checkout on booking-order and reports rejections.',
      security: security.open,
      responses: { 200: { description: 'the script', content: { 'text/javascript': { schema: { type: 'string' } } } } },
    },
  },
};
