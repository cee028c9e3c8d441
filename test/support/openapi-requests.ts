/**
 * Sends an operation's documented request to a running service and checks the answer against
 * the document: its status is documented, its content type too, and a JSON body validates
 * against that response's schema. The request is the document's own: path and query parameter
 * examples, each request body example as it stands. Filled in at run time, and only these: the
 * credential each security scheme names (tokens; a KOMOJU signature and a Resurs digest made
 * with the service's secrets) and the real client secret of an example order, which
 * `POST /checkouts` hands out and no document can know beforehand.
 */
import type { Config } from '../../src/config';
import { signKomoju } from '../../src/providers/komoju/signature';
import { callbackDigest } from '../../src/providers/resurs/digest';
import type { DocOperation } from './openapi-contract';

export interface ContractContext {
  baseUrl: string;
  config: Config;
  apiToken: string;
  adminToken: string;
  /** orderId → the client secret its `POST /checkouts` answer carried. */
  clientSecrets: Map<string, string>;
  validate: (schema: unknown, value: unknown) => string | null;
}

export interface RunResult {
  request: string;
  status: number;
  body: string;
  /** Set when the answer is not the documented one. */
  problem?: string;
}

type Body = { type: string; name: string; value: Record<string, unknown> };

function bodiesOf(op: DocOperation): Array<Body | undefined> {
  const content = op.op.requestBody?.content as Record<string, { example?: unknown; examples?: Record<string, { value: unknown }> }> | undefined;
  if (!content) return [undefined];
  return Object.entries(content).flatMap(([type, media]) => [
    ...(media.example !== undefined ? [{ type, name: 'example', value: media.example as Record<string, unknown> }] : []),
    ...Object.entries(media.examples ?? {}).map(([name, example]) => ({ type, name, value: example.value as Record<string, unknown> })),
  ]);
}

export async function runDocumentedRequest(op: DocOperation, ctx: ContractContext, mode: 'with credentials' | 'without credentials'): Promise<RunResult[]> {
  const security = (op.op.security ?? []) as Array<Record<string, unknown>>;
  // A GET is tried with each way of being allowed; anything else with the first (it changes things).
  const ways = mode === 'without credentials' || security.length === 0 ? [[]] : op.method === 'GET' ? security.map(Object.keys) : [Object.keys(security[0])];
  const results: RunResult[] = [];
  for (const body of bodiesOf(op)) for (const schemes of ways) results.push(await send(op, body, schemes, ctx, mode === 'with credentials'));
  return results;
}

async function send(op: DocOperation, body: Body | undefined, schemes: string[], ctx: ContractContext, withCredentials: boolean): Promise<RunResult> {
  const example = (name: string) => op.parameters.find((p) => p.name === name)?.example;
  const orderId = String(example('orderId'));
  // Example client secrets look like `order-1_secret_…`: the real one of that order stands in.
  const secretFor = (value: unknown) => ctx.clientSecrets.get(String(value).split('_secret_')[0]) ?? String(value);

  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(String(example(name))));
  const query = new URLSearchParams();
  for (const param of op.parameters.filter((p) => p.in === 'query' && p.example !== undefined)) {
    if (param.name === 'clientSecret') {
      if (withCredentials) query.set(param.name, secretFor(param.example));
    } else query.set(param.name, String(param.example));
  }
  const headers: Record<string, string> = {};
  let raw: string | undefined;
  if (body) {
    headers['content-type'] = body.type;
    const fields = Object.entries(body.value).filter(([key]) => withCredentials || key !== 'clientSecret');
    raw = body.type === 'application/json' ? JSON.stringify(body.value) : new URLSearchParams(fields.map(([key, value]): [string, string] => [key, key === 'clientSecret' ? secretFor(value) : String(value)])).toString();
  }
  for (const scheme of schemes) {
    if (scheme === 'shopToken') headers.authorization = `Bearer ${ctx.apiToken}`;
    else if (scheme === 'adminToken') headers.authorization = `Bearer ${ctx.adminToken}`;
    else if (scheme === 'clientSecretHeader') headers['x-client-secret'] = secretFor(orderId);
    else if (scheme === 'clientSecretQuery') query.set('clientSecret', secretFor(orderId));
    else if (scheme === 'komojuSignature') headers['x-komoju-signature'] = signKomoju(raw ?? '', ctx.config.komoju.webhookSecret);
    else if (scheme === 'resursDigest') query.set('digest', callbackDigest([query.get('paymentId') ?? '', query.get('result') ?? ''], ctx.config.resurs.callbackSalt));
    else throw new Error(`no credential for security scheme ${scheme}`);
  }

  const url = `${path}${query.size ? `?${query}` : ''}`;
  const request = `${op.method} ${url.replace(/(secret_)[\w-]+/g, '$1…')} [${schemes.join(', ') || 'no credential'}]${body ? ` (${body.name})` : ''}`;
  const res = await fetch(`${ctx.baseUrl}${url}`, { method: op.method, headers, body: raw, redirect: 'manual' });
  const text = await res.text();
  const result: RunResult = { request, status: res.status, body: text };

  const documented = op.op.responses[String(res.status)] ?? op.op.responses.default;
  if (!documented) return { ...result, problem: `${request}: ${res.status} is not documented: ${text.slice(0, 200)}` };
  if (res.status === 303 && !res.headers.get('location')) return { ...result, problem: `${request}: 303 without a Location` };
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!documented.content) {
    return text.length > 0 && res.status !== 303 ? { ...result, problem: `${request}: ${res.status} has a body the document does not describe` } : result;
  }
  const media = documented.content[type];
  if (!media) return { ...result, problem: `${request}: ${res.status} answered ${type}, documented ${Object.keys(documented.content).join(', ')}` };
  if (type !== 'application/json') return result;
  const json = JSON.parse(text) as { orderId?: string; clientSecret?: string };
  const invalid = ctx.validate(media.schema, json);
  if (invalid) return { ...result, problem: `${request}: ${res.status} does not match its schema: ${invalid}` };
  if (op.operationId === 'createCheckout' && json.orderId && json.clientSecret) ctx.clientSecrets.set(json.orderId, json.clientSecret);
  return result;
}
