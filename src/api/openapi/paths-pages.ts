/** Pages for people: the storefront (shop and order pages), and this description with its docs page. */
import { errors, orderIdParam, page, queryParam, security, type Paths } from './builders';
import * as ex from './examples';
import { ONLY_WITHOUT_API_TOKEN } from './vocabulary';

/** The Swagger UI files `/docs` loads, served from the `swagger-ui-dist` package (no CDN). */
export const DOCS_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'] as const;

/** The storefront's own scripts and stylesheet (`src/storefront/public/`). */
export const STOREFRONT_FILES = ['shop.js', 'order.js', 'shop.css'] as const;

export const pagePaths: Paths = {
  '/': {
    get: {
      operationId: 'shopPage',
      tags: ['Storefront'],
      summary: 'The shop: events on sale and a checkout form (only without `API_TOKEN`)',
      description:
        'The events with ticket types, prices and seats left (`?event=` picks the one to buy, `?lang=ja|en`), and a checkout form whose script posts to `POST /checkouts` and follows `nextAction` (Resurs Checkout: `window.resursCheckout.start`, `/shop/rco.js`). Served only when `API_TOKEN` is unset: with one, only the shop\'s server may create checkouts, so the shop runs its own storefront and this route does not exist.',
      [ONLY_WITHOUT_API_TOKEN]: true,
      security: security.open,
      parameters: [queryParam('event', 'the event whose checkout form is shown (default: the newest)', { type: 'string' }), queryParam('lang', 'the page\'s language', { type: 'string', enum: ['ja', 'en'] }, 'en')],
      responses: { 200: page('the shop page') },
    },
  },
  '/orders/{orderId}': {
    get: {
      operationId: 'orderPage',
      tags: ['Storefront'],
      summary: 'The customer\'s order page',
      description:
        'Where the customer lands after paying (`$STOREFRONT_URL/orders/{orderId}` when that is this service): the status, following the order without a reload, **Continue payment** and **Cancel order** while pending, the konbini slip (store, amount, deadline in Japan time), *under review*, the tickets as QR codes. Japanese or English by the customer\'s language (`?lang=`). Needs the client secret; shows no personal data.',
      security: security.customerLink,
      parameters: [orderIdParam(), queryParam('clientSecret', 'the order\'s client secret', { type: 'string' }, ex.opened.clientSecret, true), queryParam('lang', 'the page\'s language (default: the customer\'s)', { type: 'string', enum: ['ja', 'en'] })],
      responses: { 200: page('the order page'), 404: page('order not found (also for a wrong client secret)') },
    },
  },
  '/orders/{orderId}/panel': {
    get: {
      operationId: 'orderPanel',
      tags: ['Storefront'],
      summary: 'The live part of the order page, re-rendered',
      description: 'What the order page\'s script fetches when `GET /checkouts/{orderId}` shows a change: the `#panel` element as HTML.',
      security: [{ clientSecretHeader: [] }],
      parameters: [orderIdParam(), queryParam('lang', 'the language (default: the customer\'s)', { type: 'string', enum: ['ja', 'en'] })],
      responses: { 200: page('the panel'), 404: page('order not found (also for a wrong client secret)') },
    },
  },
  '/shop/{file}': {
    get: {
      operationId: 'storefrontAsset',
      tags: ['Storefront'],
      summary: 'A script or the stylesheet of the storefront\'s pages',
      security: security.open,
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', enum: STOREFRONT_FILES }, example: STOREFRONT_FILES[0] }],
      responses: { 200: { description: 'the file', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } }, ...errors({ 404: ['not_found'] }) },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'openApiDocument',
      tags: ['Documentation'],
      summary: 'This API description (OpenAPI 3.1)',
      security: security.open,
      responses: { 200: { description: 'the document', content: { 'application/json': { schema: { type: 'object', required: ['openapi', 'info', 'paths'] } } } } },
    },
  },
  '/docs': {
    get: {
      operationId: 'docsPage',
      tags: ['Documentation'],
      summary: 'This API description, readable (Swagger UI, served locally)',
      security: security.open,
      responses: { 200: page('the docs page') },
    },
  },
  '/docs/assets/{file}': {
    get: {
      operationId: 'docsAsset',
      tags: ['Documentation'],
      summary: 'A file of the docs page',
      security: security.open,
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', enum: DOCS_ASSETS }, example: DOCS_ASSETS[0] }],
      responses: {
        200: { description: 'the file', content: { 'text/css': { schema: { type: 'string' } }, 'text/javascript': { schema: { type: 'string' } }, 'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } } } },
        ...errors({ 404: ['not_found'] }),
      },
    },
  },
};
