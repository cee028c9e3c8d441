/**
 * The codec endpoint over real HTTP, as the Temporal UI (from an operator's browser) and the
 * `temporal` CLI call it: round trips, CORS for the allowed UI origin only, the operators' token
 * for callers without an Origin, and 4xx answers for bad input.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createMetrics } from '../../src/metrics';
import { createProviders } from '../../src/providers';
import type { Checkouts } from '../../src/temporal/client';
import { http, startService, type TestService } from '../support/service';

const ADMIN_TOKEN = 'operator-secret-token';
const UI = 'http://ui.test:8080';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString();
const plain = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ email: 'codec.endpoint@example.com' })) };
const fromUi = { origin: UI, 'x-namespace': 'default' };

let service: TestService;
beforeAll(async () => {
  service = await startService({ ADMIN_TOKEN, PAYLOAD_CODEC_ORIGINS: `${UI},http://127.0.0.1:8233` });
});
afterAll(() => service?.stop());

const post = (direction: 'encode' | 'decode', body: unknown, headers: Record<string, string> = fromUi) => http('POST', `${service.url}/codec/${direction}`, body, headers);

test('the Temporal UI encrypts and decrypts through it, with the keys the worker uses', async () => {
  const encoded = await post('encode', { payloads: [plain] });
  expect(encoded.status).toBe(200);
  expect(encoded.headers.get('access-control-allow-origin')).toBe(UI);
  const [encrypted] = encoded.json.payloads;
  expect(unb64(encrypted.metadata.encoding)).toBe('binary/encrypted');
  expect(unb64(encrypted.metadata['encryption-key-id'])).toBe(service.codec!.keyId);
  expect(unb64(encrypted.data)).not.toContain('codec.endpoint');

  const decoded = await post('decode', { payloads: [encrypted, plain] });
  expect(decoded.status).toBe(200);
  expect(decoded.json).toEqual({ payloads: [plain, plain] });
  // The worker's codec reads what the endpoint wrote.
  const [viaWorkerKeys] = await service.codec!.decode([{ metadata: { encoding: Buffer.from(unb64(encrypted.metadata.encoding)), 'encryption-key-id': Buffer.from(service.codec!.keyId) }, data: Buffer.from(encrypted.data, 'base64') }]);
  expect(Buffer.from(viaWorkerKeys.data!).toString()).toContain('codec.endpoint@example.com');
});

test('CORS: the preflight of the allowed UI origin is answered, any other origin is refused', async () => {
  const preflight = (origin: string) =>
    fetch(`${service.url}/codec/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' } });
  const allowed = await preflight(UI);
  expect(allowed.status).toBe(204);
  expect(Object.fromEntries([...allowed.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
    'access-control-allow-origin': UI,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': 'Content-Type, X-Namespace, Authorization',
    'access-control-max-age': '600',
  });
  expect(allowed.headers.get('vary')).toContain('Origin');

  const other = await preflight('https://evil.example');
  expect(other.status).toBe(403);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
  // The request itself, too: even with the operators' token, a foreign page gets nothing.
  const posted = await post('decode', { payloads: [plain] }, { origin: 'https://evil.example', authorization: `Bearer ${ADMIN_TOKEN}` });
  expect([posted.status, posted.json.error.code, posted.headers.get('access-control-allow-origin')]).toEqual([403, 'origin_not_allowed', null]);
});

test('without an Origin (the temporal CLI, scripts) the operators\' token is required', async () => {
  const anonymous = await post('decode', { payloads: [plain] }, {});
  expect([anonymous.status, anonymous.json.error.code]).toEqual([401, 'unauthorized']);
  const wrong = await post('decode', { payloads: [plain] }, { authorization: 'Bearer not-the-token' });
  expect(wrong.status).toBe(401);
  const cli = await post('decode', { payloads: [plain] }, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-namespace': 'default' });
  expect([cli.status, cli.json]).toEqual([200, { payloads: [plain] }]);
});

test('bad input is a 4xx with the error shape, never a stack trace', async () => {
  const [encrypted] = (await post('encode', { payloads: [plain] })).json.payloads;
  const tampered = { ...encrypted, data: Buffer.from(Buffer.from(encrypted.data, 'base64').map((byte, i) => (i === 20 ? byte ^ 1 : byte))).toString('base64') };
  const unknownKey = { ...encrypted, metadata: { ...encrypted.metadata, 'encryption-key-id': b64('retired') } };
  const cases: Array<[string, () => ReturnType<typeof post>, number, string]> = [
    ['no payloads', () => post('decode', {}), 400, 'invalid_request'],
    ['payloads not a list', () => post('decode', { payloads: 'all of them' }), 400, 'invalid_request'],
    ['data not base64', () => post('decode', { payloads: [{ data: 'not base64!' }] }), 400, 'invalid_request'],
    ['not JSON', () => post('decode', '{"payloads": ['), 400, 'invalid_json'],
    ['another namespace', () => post('decode', { payloads: [plain] }, { ...fromUi, 'x-namespace': 'other' }), 400, 'invalid_request'],
    ['altered ciphertext', () => post('decode', { payloads: [tampered] }), 422, 'undecryptable_payload'],
    ['a key not held', () => post('decode', { payloads: [unknownKey] }), 422, 'undecryptable_payload'],
    ['over 4 MiB', () => post('encode', { payloads: [{ data: 'A'.repeat(5 * 1024 * 1024) }] }), 413, 'payload_too_large'],
  ];
  for (const [what, send, status, code] of cases) {
    const res = await send();
    expect([what, res.status, res.json?.error?.code]).toEqual([what, status, code]);
    expect(res.text).not.toMatch(/\n\s+at /);
    // The UI reads the error too: it still gets CORS headers.
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
  }
});

test('with payload encryption off and no key, the endpoint does not exist', async () => {
  const config = loadConfig({ PUBLIC_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'silent', PAYLOAD_ENCRYPTION: 'off', ADMIN_TOKEN, PAYLOAD_CODEC_ORIGINS: UI });
  const mongo = new MongoClient('mongodb://127.0.0.1:9'); // never connected: /codec touches no database
  const { app } = createApp({ config, db: mongo.db('codec'), checkouts: {} as Checkouts, providers: createProviders(config), metrics: createMetrics(), log: pino({ level: 'silent' }) });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const res = await http('POST', `http://127.0.0.1:${(server.address() as AddressInfo).port}/codec/decode`, { payloads: [plain] }, fromUi);
    expect([res.status, res.json.error.code]).toEqual([404, 'not_found']);
  } finally {
    server.close();
    await mongo.close();
  }
});
