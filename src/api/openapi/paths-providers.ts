/** What payment providers call, and where they send the customer's browser back. */
import type { ResursLanding } from '../../providers/resurs/api-data';
import { CALLBACK_DIGEST_PARAMETERS } from '../../providers/resurs/digest';
import { errors, json, orderIdParam, pathParam, queryParam, security, seeOther, type Operation, type Paths } from './builders';
import * as ex from './examples';
import { ref } from './schemas';

const RESURS_LANDINGS: Record<ResursLanding, string> = {
  success: 'after signing: the checkout calls `bookSignedPayment`, whose answer decides',
  fail: 'signing failed or was abandoned: cancels only once Resurs confirms no payment will come',
  back: 'back to the shop from the hosted flow: the order stays pending',
};

const callbackTypes = Object.keys(CALLBACK_DIGEST_PARAMETERS);

function resursCallback(method: 'get' | 'post'): Operation {
  return {
    operationId: method === 'get' ? 'resursCallback' : 'resursCallbackPost',
    tags: ['Provider webhooks'],
    summary: `Resurs Bank callback (${method.toUpperCase()})`,
    description: [
      'Resurs calls `GET` (and `POST` for BOOKED and UPDATE) with the payment id and a digest: uppercase hex SHA1 (MD5 accepted) of the digest parameters followed by `RESURS_CALLBACK_SALT`, compared case-insensitively. The digest parameters per type:',
      Object.entries(CALLBACK_DIGEST_PARAMETERS).map(([type, params]) => `- \`${type}\`: ${params.join(' + ')}`).join('\n'),
      'A callback is recorded once per type, payment and result: BOOKED as a POST and again as a GET, or days later, has one effect. The example carries the digest the built-in sandbox expects (its salt is public).',
    ].join('\n\n'),
    security: [{ resursDigest: [] }],
    parameters: [
      pathParam('type', 'the callback type', { type: 'string', enum: callbackTypes }, ex.resursCallback.type),
      queryParam('paymentId', 'the Resurs payment id (this service books with the order id); all types but TEST', { type: 'string' }, ex.resursCallback.paymentId),
      queryParam('result', 'AUTOMATIC_FRAUD_CONTROL: `THAWED` or `FROZEN`; UPDATE and BOOKED may carry one', { type: 'string' }),
      ...[1, 2, 3, 4, 5].map((n) => queryParam(`param${n}`, 'TEST only', { type: 'string' })),
    ],
    responses: {
      204: { description: 'accepted (also a repeat)' },
      410: { description: 'a payment this service does not know (kept for operators)' },
      ...errors({ 400: ['invalid_request'], 404: ['not_found'], 406: ['invalid_digest'], 503: ['unavailable'] }),
    },
  };
}

export const providerPaths: Paths = {
  '/checkouts/{orderId}/return': {
    get: {
      operationId: 'komojuReturn',
      tags: ['Customer returns'],
      summary: 'Where KOMOJU sends the customer back',
      description: 'The outcome is read from KOMOJU\'s API, never from the URL. **A GET never cancels**: a page still open stays open. Then 303 to `$STOREFRONT_URL/orders/{orderId}`, with `?clientSecret=` only when the visit carries this checkout\'s `session_id` (the customer\'s own browser).',
      security: security.open,
      parameters: [orderIdParam(), queryParam('session_id', "KOMOJU's session id, appended by KOMOJU", { type: 'string' }, 'ses_4f2a9c')],
      responses: { 303: seeOther('to the order page'), ...errors({ 404: ['not_found'], 503: ['unavailable'] }) },
    },
  },
  '/checkouts/{orderId}/resurs/{landing}': {
    get: {
      operationId: 'resursLanding',
      tags: ['Customer returns'],
      summary: 'Where Resurs Bank sends the customer back',
      description: ['The link carries `apiData`, a signed container naming the order and the landing. Never cancels by itself. Then 303 to the order page with the client secret.', ...Object.entries(RESURS_LANDINGS).map(([name, what]) => `- \`${name}\`: ${what}`)].join('\n'),
      security: security.open,
      parameters: [
        orderIdParam(ex.RESURS_ORDER),
        pathParam('landing', 'which link Resurs followed', { type: 'string', enum: Object.keys(RESURS_LANDINGS) }, 'back'),
        queryParam('apiData', 'the signed container from the link (the example is signed with the sandbox\'s key)', { type: 'string' }, ex.resursApiData, true),
      ],
      responses: { 303: seeOther('to the order page'), ...errors({ 400: ['invalid_api_data'], 404: ['not_found'], 503: ['unavailable'] }) },
    },
  },
  '/webhooks/komoju': {
    post: {
      operationId: 'komojuWebhook',
      tags: ['Provider webhooks'],
      summary: 'KOMOJU webhook',
      description: 'Verified against `X-Komoju-Signature` (lowercase hex HMAC-SHA256 of the raw body with `KOMOJU_WEBHOOK_SECRET`), written to the inbox, and answered at once — also for duplicates, `ping`, and orders this service does not know (kept as `unroutable`). Delivery to the checkout happens after the answer; the outcome is always asked of KOMOJU.',
      security: [{ komojuSignature: [] }],
      parameters: [
        { name: 'X-Komoju-ID', in: 'header', required: false, description: 'the event id, when the body has none', schema: { type: 'string' } },
        { name: 'X-Komoju-Event', in: 'header', required: false, description: 'the event type, when the body has none', schema: { type: 'string' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: ref('KomojuEvent'), examples: ex.komojuEvents } } },
      responses: {
        200: json('recorded (or recorded before)', ref('WebhookReceived'), { received: true, duplicate: false }),
        ...errors({ 400: ['invalid_json', 'invalid_request'], 401: ['invalid_signature'], 413: ['payload_too_large'], 503: ['unavailable'] }),
      },
    },
  },
  '/webhooks/resurs/{type}': { get: resursCallback('get'), post: resursCallback('post') },
};
