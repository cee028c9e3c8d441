/**
 * The API description (`/openapi.json`) against the service itself: a valid OpenAPI 3.1
 * document; exactly the routes the app mounts (read from its Express router stack, under every
 * configuration that changes them); every error code the code uses; examples that match their
 * schemas; and the documented requests, sent to a running service, answered as documented.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import type { Application } from 'express';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { API_VERSION, openApiDocument } from '../../src/api/openapi/document';
import { DOCS_ASSETS } from '../../src/api/openapi/paths-pages';
import { ERROR_CODES, ONLY_WITHOUT_API_TOKEN } from '../../src/api/openapi/vocabulary';
import { createApp } from '../../src/app';
import { loadConfig, SANDBOX_SECRETS } from '../../src/config';
import { createMetrics } from '../../src/metrics';
import { createProviders } from '../../src/providers';
import type { Checkouts } from '../../src/temporal/client';
import { examplesOf, operationsOf, pathParameterMismatches, samplePaths, schemaValidator, templateMatches, type Doc } from '../support/openapi-contract';
import { runDocumentedRequest, type ContractContext } from '../support/openapi-requests';
import { expressMatches, mountedRoutes, type MountedRoute } from '../support/routes';
import { http, startService, type TestService } from '../support/service';

const API_TOKEN = 'shop-api-token-0123456789';
const ADMIN_TOKEN = 'operator-secret-token';
/** Not part of the public API: the built-in provider sandboxes (and their mail outbox). */
const NOT_PUBLIC = /^\/sandbox(\/|$)/;

let service: TestService;
/** The same service without tokens, for the operations that exist only then (the shop page). */
let devService: TestService;
let doc: Doc;
let devMongo: MongoClient;
let devApp: Application;
beforeAll(async () => {
  [service, devService] = await Promise.all([startService({ API_TOKEN, ADMIN_TOKEN }), startService()]);
  doc = (await http('GET', `${service.url}/openapi.json`)).json;
  // The same app without any token (development): routes that exist only there count too.
  const devConfig = loadConfig({ PUBLIC_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'silent' });
  devMongo = new MongoClient('mongodb://127.0.0.1:9'); // never connected: building routes touches no database
  devApp = createApp({ config: devConfig, db: devMongo.db('routes'), checkouts: {} as Checkouts, providers: createProviders(devConfig), metrics: createMetrics(), log: pino({ level: 'silent' }) }).app;
});
afterAll(async () => {
  await devMongo?.close();
  await Promise.all([service?.stop(), devService?.stop()]);
});

const runningApp = () => service.api.server.listeners('request')[0] as Application;

test('/openapi.json is the document the code builds, and valid OpenAPI 3.1', async () => {
  expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument({ publicUrl: service.config.publicUrl }))));
  expect(doc.openapi).toMatch(/^3\.1\./);
  const result = await validateOpenApi(structuredClone(doc) as Parameters<typeof validateOpenApi>[0]);
  expect(result).toMatchObject({ valid: true });
  expect(API_VERSION).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version);

  const ops = operationsOf(doc);
  const ids = ops.map((op) => op.operationId);
  expect(ids.filter((id, i) => !id || ids.indexOf(id) !== i)).toEqual([]); // present and unique
  expect(ops.flatMap(pathParameterMismatches)).toEqual([]);
  const schemes = Object.keys(doc.components.securitySchemes);
  const unknownSchemes = ops.flatMap((op) => (op.op.security as Array<Record<string, unknown>>).flatMap(Object.keys)).filter((s) => !schemes.includes(s));
  expect(unknownSchemes).toEqual([]);
});

test('every route the app mounts is documented, and every documented route is mounted', () => {
  const seen = new Map<string, MountedRoute>();
  for (const route of [...mountedRoutes(runningApp()), ...mountedRoutes(devApp)]) seen.set(`${route.methods} ${route.path}`, route);
  const mounted = [...seen.values()].filter((route) => !NOT_PUBLIC.test(route.path));
  const ops = operationsOf(doc);

  // A route is documented when an operation of its method has a path Express routes to it.
  const undocumented = mounted.flatMap((route) =>
    (route.methods === 'ALL' ? ['ALL'] : route.methods.filter((m) => m !== 'HEAD'))
      .filter((method) => !ops.some((op) => (method === 'ALL' || op.method === method) && samplePaths(op).some((p) => expressMatches(route.path, p))))
      .map((method) => `${method} ${route.path}`),
  );
  const unmounted = ops.flatMap((op) =>
    samplePaths(op)
      .filter((p) => !mounted.some((route) => (route.methods === 'ALL' || route.methods.includes(op.method)) && expressMatches(route.path, p)))
      .map((p) => `${op.method} ${p}`),
  );
  // Both lists at once, named, so a failure says what to add to src/api/openapi/ (or remove).
  expect({ 'mounted but not in the API description': undocumented, 'documented but not mounted': unmounted }).toEqual({
    'mounted but not in the API description': [],
    'documented but not mounted': [],
  });
  // Marked operations exist only without API_TOKEN: the running service (which has one) lacks them.
  const withToken = mountedRoutes(runningApp()).filter((route) => route.kind === 'route');
  const marked = ops.filter((op) => op.op[ONLY_WITHOUT_API_TOKEN]).flatMap(samplePaths);
  expect(marked.length).toBeGreaterThan(0);
  expect(marked.filter((p) => withToken.some((route) => expressMatches(route.path, p)))).toEqual([]);
  // Nothing private leaks into the description.
  expect(ops.filter((op) => NOT_PUBLIC.test(op.path)).map((op) => op.path)).toEqual([]);
});

test("each provider's landings, webhooks and payment-method lists are documented, and only those", () => {
  const providers = createProviders(service.config);
  const ops = operationsOf(doc);
  const problems: string[] = [];
  for (const [name, provider] of Object.entries(providers)) {
    for (const landing of provider!.inbound.landings) {
      if (!ops.some((op) => op.method === 'GET' && templateMatches(op, `/checkouts/order-1/${landing}`))) problems.push(`undocumented landing GET /checkouts/{orderId}/${landing}`);
    }
    for (const method of provider!.inbound.webhookMethods) {
      if (!ops.some((op) => op.method === method && (op.path === `/webhooks/${name}` || op.path.startsWith(`/webhooks/${name}/`)))) problems.push(`undocumented webhook ${method} /webhooks/${name}`);
    }
    if (provider!.methods && !ops.some((op) => op.method === 'GET' && op.path === `/${name}/payment-methods`)) problems.push(`undocumented GET /${name}/payment-methods`);
  }
  const landings = Object.values(providers).flatMap((p) => p!.inbound.landings);
  for (const op of ops) {
    const webhook = /^\/webhooks\/([^/{]+)/.exec(op.path)?.[1];
    if (webhook && !providers[webhook as keyof typeof providers]?.inbound.webhookMethods.includes(op.method)) problems.push(`no provider takes ${op.method} ${op.path}`);
    const lister = /^\/([^/{]+)\/payment-methods$/.exec(op.path)?.[1];
    if (lister && !providers[lister as keyof typeof providers]?.methods) problems.push(`no provider lists ${op.path}`);
    if ((op.op.tags as string[]).includes('Customer returns')) {
      for (const sample of samplePaths(op)) if (!landings.includes(sample.split('/').slice(3).join('/'))) problems.push(`no provider lands at ${sample}`);
    }
  }
  expect(problems).toEqual([]);
});

test('every example in the document matches its own schema', () => {
  const validate = schemaValidator(doc);
  const examples = examplesOf(doc);
  expect(examples.length).toBeGreaterThan(30);
  expect(examples.map(({ where, schema, value }) => [where, validate(schema, value)]).filter(([, error]) => error)).toEqual([]);
});

test('every error code the code answers with is documented, and none that it does not use', () => {
  const files = [
    ...fs.readdirSync(path.join(__dirname, '../../src/api')).filter((f) => f.endsWith('.ts')).map((f) => `src/api/${f}`),
    ...fs.readdirSync(path.join(__dirname, '../../src/providers'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/providers/${d.name}/inbound.ts`),
    'src/checkout/request.ts',
    'src/app.ts',
  ].filter((f) => fs.existsSync(path.join(__dirname, '../..', f)));
  const used = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(__dirname, '../..', file), 'utf8');
    // Thrown errors, provider answers (`status, code`) and the error handler's own (`error: {code}`).
    for (const m of text.matchAll(/HttpError\(\d{3}, '([a-z_]+)'|status: \d{3}, code: '([a-z_]+)'|error: \{ code: '([a-z_]+)'/g)) used.add(m[1] ?? m[2] ?? m[3]);
  }
  expect([...used].filter((code) => !(code in ERROR_CODES))).toEqual([]);
  expect(Object.keys(ERROR_CODES).filter((code) => !used.has(code))).toEqual([]);
  expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.keys(ERROR_CODES));
});

/** The order the documented requests are sent in: each finds what the ones before it made. */
const RUN_ORDER = [
  'createEvent', 'getEvent', 'openResursCheckoutSession', 'createCheckout', 'getCheckout', 'reportResursCheckoutRejection', 'resursCheckoutScript', 'komojuReturn', 'resursLanding', 'komojuWebhook', 'resursCallback', 'resursCallbackPost',
  'listResursPaymentMethods', 'shopPage', 'orderPage', 'orderPanel', 'storefrontAsset', 'adminListCheckouts', 'adminListWebhooks', 'adminGetCheckout', 'adminReconcile', 'adminMarkPaid', 'adminRefund', 'adminResolveRefund', 'adminCancel', 'adminResendEmail', 'adminExtendDeadline', 'cancelCheckout',
  'codecEncode', 'codecDecode',
  'health', 'readiness', 'metrics', 'openApiDocument', 'docsPage', 'docsAsset',
];

/**
 * Operator actions this run has no order for (nothing here is paid, or waits at a konbini): each
 * is answered with its documented refusal, which proves route, credential and body schema. Their
 * acceptance is tested in test/api/operators.test.ts.
 */
const REFUSED_IN_THIS_RUN: Record<string, { status: number; message: string }> = {
  adminMarkPaid: { status: 422, message: 'pay_5b7e21' },
  adminRefund: { status: 409, message: 'only a paid order can be refunded; this one is pending' },
  adminResolveRefund: { status: 409, message: 'only an order that needs a refund can be resolved; this one is pending' },
  adminExtendDeadline: { status: 409, message: 'only a pending payment (konbini slip, review) can be given longer; the order is cancelled' },
};

test('the documented requests, sent to a running service, are accepted and answered as documented', async () => {
  // The examples are signed with the sandboxes' public secrets, which this service uses.
  expect(service.config.komoju.webhookSecret).toBe(SANDBOX_SECRETS.komojuWebhookSecret);
  expect(service.config.resurs.callbackSalt).toBe(SANDBOX_SECRETS.resursCallbackSalt);
  const ops = operationsOf(doc);
  const ids = ops.map((op) => op.operationId);
  expect({ 'operations missing from RUN_ORDER': ids.filter((id) => !RUN_ORDER.includes(id)), 'RUN_ORDER entries not documented': RUN_ORDER.filter((id) => !ids.includes(id)) }).toEqual({
    'operations missing from RUN_ORDER': [],
    'RUN_ORDER entries not documented': [],
  });

  const context: ContractContext = { baseUrl: service.url, config: service.config, apiToken: API_TOKEN, adminToken: ADMIN_TOKEN, clientSecrets: new Map(), validate: schemaValidator(doc) };
  const devContext: ContractContext = { ...context, baseUrl: devService.url, config: devService.config };
  const failures: string[] = [];
  for (const id of RUN_ORDER) {
    const op = ops.find((o) => o.operationId === id)!;
    for (const result of await runDocumentedRequest(op, op.op[ONLY_WITHOUT_API_TOKEN] ? devContext : context, 'with credentials')) {
      const refused = REFUSED_IN_THIS_RUN[id];
      if (result.problem) failures.push(result.problem);
      else if (refused && (result.status !== refused.status || !result.body.includes(refused.message))) failures.push(`${result.request}: ${result.status} ${result.body.slice(0, 200)}, not the expected refusal`);
      else if (!refused && result.status >= 400) failures.push(`${result.request}: ${result.status}, not accepted: ${result.body.slice(0, 200)}`);
    }
  }
  expect(failures).toEqual([]);
  expect([...context.clientSecrets.keys()].sort()).toEqual(['order-1', 'order-2', 'order-rco-1', 'order-rs-1']);
});

test('without its credential, every secured operation answers a documented error', async () => {
  const context: ContractContext = { baseUrl: service.url, config: service.config, apiToken: API_TOKEN, adminToken: ADMIN_TOKEN, clientSecrets: new Map(), validate: schemaValidator(doc) };
  const failures: string[] = [];
  for (const op of operationsOf(doc).filter((o) => o.op.security.length > 0)) {
    for (const result of await runDocumentedRequest(op, context, 'without credentials')) {
      if (result.problem) failures.push(result.problem);
      else if (result.status < 400) failures.push(`${result.request}: ${result.status} without a credential`);
    }
  }
  expect(failures).toEqual([]);
});

test('/docs is Swagger UI served by this service, with nothing from elsewhere', async () => {
  const page = await http('GET', `${service.url}/docs`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const links = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThan(0);
  expect(links.filter((link) => !link.startsWith('/docs/assets/'))).toEqual([]);
  expect(page.text).not.toMatch(/https?:\/\//);
  const documentedTypes = Object.keys(doc.paths['/docs/assets/{file}'].get.responses[200].content);
  for (const file of DOCS_ASSETS) {
    const asset = await http('GET', `${service.url}/docs/assets/${file}`);
    expect([file, asset.status, documentedTypes.includes(asset.headers.get('content-type')!.split(';')[0])]).toEqual([file, 200, true]);
  }
  // Only the files the page needs: not the package's demo page (which loads the Petstore).
  expect((await http('GET', `${service.url}/docs/assets/index.html`)).status).toBe(404);
  expect((await http('GET', `${service.url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
});
