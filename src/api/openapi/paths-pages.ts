/** Pages for people: the stand-in order page, and this description with its docs page. */
import { errors, orderIdParam, page, queryParam, security, type Paths } from './builders';
import * as ex from './examples';

/** The Swagger UI files `/docs` loads, served from the `swagger-ui-dist` package (no CDN). */
export const DOCS_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'] as const;

export const pagePaths: Paths = {
  '/orders/{orderId}': {
    get: {
      operationId: 'orderPage',
      tags: ['Storefront'],
      summary: 'The order page (a stand-in for the shop\'s own)',
      description: 'Where the customer lands when `STOREFRONT_URL` is this service: status, tickets, **Continue payment** while pending, and **Cancel order** (a form that POSTs to `/checkouts/{orderId}/cancel`). Needs the client secret; shows no personal data.',
      security: security.customerLink,
      parameters: [orderIdParam(), queryParam('clientSecret', 'the order\'s client secret', { type: 'string' }, ex.opened.clientSecret, true)],
      responses: { 200: page('the order page'), 404: page('order not found (also for a wrong client secret)') },
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
