/** Small builders that keep the path files readable: responses, errors, parameters, security. */
import { ref, type Schema } from './schemas';
import { ERROR_CODES, type ErrorCode } from './vocabulary';

export type Operation = Record<string, unknown>;
export type PathItem = Record<string, unknown>;
export type Paths = Record<string, PathItem>;

/** Who may call: each entry is one way to be allowed (OpenAPI's "any of"). */
export const security = {
  shop: [{ shopToken: [] }],
  shopOrCustomer: [{ shopToken: [] }, { clientSecretHeader: [] }, { clientSecretQuery: [] }],
  admin: [{ adminToken: [] }],
  customerLink: [{ clientSecretQuery: [] }],
  codec: [{ adminToken: [] }, { temporalUiOrigin: [] }],
  open: [],
};

export function jsonBody(schemaName: string, examples: Record<string, { summary: string; description?: string; value: unknown }>, description?: string) {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema: ref(schemaName), examples } } };
}

export function json(description: string, schema: Schema, example?: unknown, headers?: Record<string, unknown>) {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema, ...(example !== undefined ? { example } : {}) } } };
}

export function page(description: string, contentType = 'text/html') {
  return { description, content: { [contentType]: { schema: { type: 'string' } } } };
}

export const seeOther = (description: string) => ({
  description,
  headers: { Location: { description: 'where the browser goes next', schema: { type: 'string', format: 'uri-reference' } } },
});

/**
 * Error answers by status, each limited to the codes that status carries on this operation, so
 * a real answer with another code fails the contract test.
 */
export function errors(byStatus: Partial<Record<number, ErrorCode[]>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(byStatus).map(([status, codes]) => [
      status,
      json(
        codes!.map((code) => `${codes!.length > 1 ? '- ' : ''}\`${code}\`: ${ERROR_CODES[code]}`).join('\n'),
        { allOf: [ref('Error'), { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } }] },
        { error: { code: codes![0], message: ERROR_CODES[codes![0]].replace(/`/g, '') } },
      ),
    ]),
  );
}

export function pathParam(name: string, description: string, schema: Schema, example?: unknown) {
  return { name, in: 'path', required: true, description, schema, ...(example !== undefined ? { example } : {}) };
}

export function queryParam(name: string, description: string, schema: Schema, example?: unknown, required = false) {
  return { name, in: 'query', required, description, schema, ...(example !== undefined ? { example } : {}) };
}

const idPattern = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
export const orderIdParam = (example = 'order-1') => pathParam('orderId', 'the order id given to (or made by) `POST /checkouts`', idPattern, example);

/** Errors any route may answer: a body that cannot be read, or the database / Temporal being away. */
export const unavailable = errors({ 503: ['unavailable'] });
