/** loadConfig's rules: real providers need their secrets, sandboxes are opt-in in production, tokens, rate limit. */
import { ConfigError, KOMOJU_SANDBOX_PATH, RESURS_SANDBOX_PATH, loadConfig, parseRateLimit } from '../../src/config';

const KOMOJU = { KOMOJU_API_URL: 'https://komoju.com', KOMOJU_SECRET_KEY: 'sk_live_key', KOMOJU_WEBHOOK_SECRET: 'whsec_live' };
const RESURS = {
  RESURS_API_URL: 'https://merchant-api.resurs.example',
  RESURS_USERNAME: 'merchant',
  RESURS_PASSWORD: 'merchant-password',
  RESURS_CALLBACK_SALT: 'merchant-salt',
};
const PRODUCTION = { NODE_ENV: 'production', API_TOKEN: 'shop-server-key-0123456789' };
const SANDBOX_VALUES = ['sk_test_sandbox', 'whsec_sandbox', 'sandbox', 'sandbox-salt'];

/** The one line loadConfig stops with. */
function failure(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^invalid configuration: /);
    return message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('development defaults', () => {
  it('serves both providers from the built-in sandboxes on PUBLIC_URL, with the sandbox secrets', () => {
    const config = loadConfig({});
    expect(config.production).toBe(false);
    expect(config.sandboxUrl).toBe('http://localhost:3000');
    expect(config.komoju).toEqual({
      enabled: true,
      sandbox: true,
      apiUrl: `http://localhost:3000${KOMOJU_SANDBOX_PATH}`,
      secretKey: 'sk_test_sandbox',
      webhookSecret: 'whsec_sandbox',
      konbiniGraceMs: 3_600_000,
    });
    expect(config.resurs).toEqual({
      enabled: true,
      sandbox: true,
      apiUrl: `http://localhost:3000${RESURS_SANDBOX_PATH}`,
      username: 'sandbox',
      password: 'sandbox',
      callbackSalt: 'sandbox-salt',
      reviewTimeoutMs: 3 * 86_400_000,
    });
    expect(config.apiToken).toBeUndefined();
    expect(config.checkoutRateLimit).toEqual({ max: 120, windowMs: 60_000 });
  });

  it.each(['development', 'test', 'staging'])('NODE_ENV=%s is not production', (NODE_ENV) => {
    const config = loadConfig({ NODE_ENV });
    expect(config.production).toBe(false);
    expect(config.komoju.sandbox).toBe(true);
  });

  it('lets the sandboxes use other secrets when given', () => {
    const config = loadConfig({ KOMOJU_SECRET_KEY: 'sk_test_other', KOMOJU_WEBHOOK_SECRET: 'whsec_other' });
    expect(config.komoju).toMatchObject({ sandbox: true, secretKey: 'sk_test_other', webhookSecret: 'whsec_other' });
  });

  it('reaches the sandboxes at SANDBOX_URL when set, PUBLIC_URL staying what customers see', () => {
    const config = loadConfig({ PUBLIC_URL: 'http://localhost:3000', SANDBOX_URL: 'http://api:3000/' });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.sandboxUrl).toBe('http://api:3000');
    expect(config.komoju.apiUrl).toBe(`http://api:3000${KOMOJU_SANDBOX_PATH}`);
    expect(config.resurs.apiUrl).toBe(`http://api:3000${RESURS_SANDBOX_PATH}`);
    expect(failure({ SANDBOX_URL: 'api:3000' })).toMatch(/^invalid configuration: SANDBOX_URL: /);
  });

  it('moved KONBINI_GRACE into the KOMOJU configuration', () => {
    const config = loadConfig({ KONBINI_GRACE: '90m' });
    expect(config.komoju.konbiniGraceMs).toBe(90 * 60_000);
    expect('konbiniGraceMs' in config).toBe(false);
  });
});

describe('a real KOMOJU (KOMOJU_API_URL set)', () => {
  it('uses the given secrets and mounts no sandbox', () => {
    const config = loadConfig({ ...KOMOJU, KOMOJU_API_URL: 'https://komoju.com/' });
    expect(config.komoju).toMatchObject({ enabled: true, sandbox: false, apiUrl: 'https://komoju.com', secretKey: 'sk_live_key', webhookSecret: 'whsec_live' });
  });

  it.each(['KOMOJU_SECRET_KEY', 'KOMOJU_WEBHOOK_SECRET'] as const)('requires %s, unset or empty: no sandbox default', (name) => {
    const message = `invalid configuration: ${name} is required when KOMOJU_API_URL is set`;
    const { [name]: _, ...without } = KOMOJU;
    expect(failure(without)).toBe(message);
    expect(failure({ ...KOMOJU, [name]: '' })).toBe(message);
    expect(failure({ ...without, NODE_ENV: 'production', API_TOKEN: PRODUCTION.API_TOKEN })).toBe(message);
  });

  it('is not the sandbox even when its URL ends in the sandbox path', () => {
    const config = loadConfig({ ...KOMOJU, KOMOJU_API_URL: `http://api:3000${KOMOJU_SANDBOX_PATH}` });
    expect(config.komoju).toMatchObject({ enabled: true, sandbox: false, secretKey: 'sk_live_key' });
    expect(failure({ KOMOJU_API_URL: `http://localhost:3000${KOMOJU_SANDBOX_PATH}` })).toBe(
      'invalid configuration: KOMOJU_SECRET_KEY is required when KOMOJU_API_URL is set',
    );
  });

  it('must be an http(s) URL', () => {
    expect(failure({ ...KOMOJU, KOMOJU_API_URL: 'ftp://komoju.com' })).toBe('invalid configuration: KOMOJU_API_URL: must be an http(s) URL');
    expect(failure({ ...KOMOJU, KOMOJU_API_URL: 'komoju.com' })).toMatch(/^invalid configuration: KOMOJU_API_URL: /);
  });
});

describe('a real Resurs Bank (RESURS_API_URL set)', () => {
  it('uses the given credentials, not the sandbox', () => {
    const config = loadConfig(RESURS);
    expect(config.resurs).toEqual({
      enabled: true,
      sandbox: false,
      apiUrl: RESURS.RESURS_API_URL,
      username: 'merchant',
      password: 'merchant-password',
      callbackSalt: 'merchant-salt',
      reviewTimeoutMs: 3 * 86_400_000,
    });
    expect(loadConfig({ ...RESURS, RESURS_REVIEW_TIMEOUT: '36h' }).resurs.reviewTimeoutMs).toBe(36 * 3_600_000);
    expect(() => loadConfig({ ...RESURS, RESURS_REVIEW_TIMEOUT: 'three days' })).toThrow(/RESURS_REVIEW_TIMEOUT/);
  });

  it.each(['RESURS_USERNAME', 'RESURS_PASSWORD', 'RESURS_CALLBACK_SALT'] as const)('requires %s', (name) => {
    const { [name]: _, ...without } = RESURS;
    expect(failure(without)).toBe(`invalid configuration: ${name} is required when RESURS_API_URL is set`);
  });
});

describe('production (NODE_ENV=production)', () => {
  it('requires API_TOKEN, of at least 16 characters', () => {
    expect(failure({ ...KOMOJU, NODE_ENV: 'production' })).toMatch(/^invalid configuration: API_TOKEN is required when NODE_ENV=production/);
    expect(failure({ ...KOMOJU, ...PRODUCTION, API_TOKEN: 'too-short' })).toMatch(/^invalid configuration: API_TOKEN: /);
    expect(loadConfig({ ...KOMOJU, ...PRODUCTION }).apiToken).toBe(PRODUCTION.API_TOKEN);
  });

  it('checks API_TOKEN in development too, when given', () => {
    expect(failure({ API_TOKEN: 'short' })).toMatch(/^invalid configuration: API_TOKEN: /);
    expect(loadConfig({ API_TOKEN: PRODUCTION.API_TOKEN }).apiToken).toBe(PRODUCTION.API_TOKEN);
  });

  it('stops naming KOMOJU_API_URL when no provider at all is enabled', () => {
    expect(failure(PRODUCTION)).toMatch(/^invalid configuration: no payment provider is enabled: set KOMOJU_API_URL/);
    expect(failure({ ...PRODUCTION, ENABLE_SANDBOXES: 'false' })).toContain('KOMOJU_API_URL');
  });

  it('offers a provider without URL not at all: no sandbox, no usable secret', () => {
    const config = loadConfig({ ...PRODUCTION, ...KOMOJU, RESURS_CALLBACK_SALT: 'given-but-unused' });
    expect(config.production).toBe(true);
    expect(config.komoju).toMatchObject({ enabled: true, sandbox: false });
    expect(config.resurs).toMatchObject({ enabled: false, sandbox: false, apiUrl: '' });
    const { username, password, callbackSalt } = config.resurs;
    for (const value of [username, password, callbackSalt]) expect([...SANDBOX_VALUES, 'given-but-unused']).not.toContain(value);
    expect(loadConfig({ ...PRODUCTION, ...KOMOJU }).resurs.callbackSalt).not.toBe(callbackSalt);
  });

  it('runs on Resurs alone, KOMOJU disabled', () => {
    const config = loadConfig({ ...PRODUCTION, ...RESURS });
    expect(config.resurs).toMatchObject({ enabled: true, sandbox: false });
    expect(config.komoju).toMatchObject({ enabled: false, sandbox: false, apiUrl: '' });
    expect(SANDBOX_VALUES).not.toContain(config.komoju.webhookSecret);
    expect(SANDBOX_VALUES).not.toContain(config.komoju.secretKey);
  });

  it('serves the sandboxes only with ENABLE_SANDBOXES=true, and a real URL still wins', () => {
    const sandboxes = loadConfig({ ...PRODUCTION, ENABLE_SANDBOXES: 'true', SANDBOX_URL: 'http://api:3000' });
    expect(sandboxes.komoju).toMatchObject({ enabled: true, sandbox: true, apiUrl: `http://api:3000${KOMOJU_SANDBOX_PATH}`, secretKey: 'sk_test_sandbox' });
    expect(sandboxes.resurs).toMatchObject({ enabled: true, sandbox: true });
    const mixed = loadConfig({ ...PRODUCTION, ...KOMOJU, ENABLE_SANDBOXES: 'true' });
    expect(mixed.komoju).toMatchObject({ sandbox: false, apiUrl: 'https://komoju.com', secretKey: 'sk_live_key' });
    expect(mixed.resurs).toMatchObject({ enabled: true, sandbox: true });
  });
});

describe('ENABLE_SANDBOXES', () => {
  it('=false turns the sandboxes off in development too', () => {
    const config = loadConfig({ ...KOMOJU, ENABLE_SANDBOXES: 'false' });
    expect(config.komoju.sandbox).toBe(false);
    expect(config.resurs).toMatchObject({ enabled: false, sandbox: false });
    expect(failure({ ENABLE_SANDBOXES: 'false' })).toContain('no payment provider is enabled');
  });

  it.each(['yes', '1', 'TRUE'])('rejects %s, naming the variable', (value) => {
    expect(failure({ ENABLE_SANDBOXES: value })).toBe('invalid configuration: ENABLE_SANDBOXES: must be true or false');
  });
});

describe('CHECKOUT_RATE_LIMIT', () => {
  it.each([
    ['120/1m', { max: 120, windowMs: 60_000 }],
    ['10/30s', { max: 10, windowMs: 30_000 }],
    ['1/500ms', { max: 1, windowMs: 500 }],
    [' 5000/1.5h ', { max: 5000, windowMs: 5_400_000 }],
    ['3/1d', { max: 3, windowMs: 86_400_000 }],
  ])('reads %s', (text, limit) => {
    expect(loadConfig({ CHECKOUT_RATE_LIMIT: text }).checkoutRateLimit).toEqual(limit);
    expect(parseRateLimit(text)).toEqual(limit);
  });

  it.each(['120', '120/', '/1m', '0/1m', '-1/1m', '1.5/1m', '120/0s', '120/1x', '120/m', '120 per 1m', '120/1m/2'])(
    'rejects %j in one line naming it',
    (text) => {
      expect(failure({ CHECKOUT_RATE_LIMIT: text })).toBe(
        `invalid configuration: CHECKOUT_RATE_LIMIT: "${text}" is not a rate limit (use <count>/<duration>, e.g. 120/1m)`,
      );
    },
  );
});

describe('payload encryption (PAYLOAD_ENCRYPTION, PAYLOAD_KEYS, PAYLOAD_CODEC_ORIGINS)', () => {
  const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

  it('is on by default; without TEMPORAL_ADDRESS the local key under DATA_DIR stands in for PAYLOAD_KEYS', () => {
    expect(loadConfig({}).payload).toEqual({ encrypt: true, keys: undefined, codecOrigins: [] });
  });

  it('reads the keys newest first, and the allowed Temporal UI origins', () => {
    const config = loadConfig({ PAYLOAD_KEYS: `k2:${key(2)},k1:${key(1)}`, PAYLOAD_CODEC_ORIGINS: 'http://localhost:8080, https://temporal.example.com/' });
    expect(config.payload.keys!.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(config.payload.codecOrigins).toEqual(['http://localhost:8080', 'https://temporal.example.com']);
  });

  it('requires PAYLOAD_KEYS with a Temporal server of its own (TEMPORAL_ADDRESS), unless explicitly off', () => {
    expect(failure({ TEMPORAL_ADDRESS: 'temporal:7233' })).toMatch(/^invalid configuration: PAYLOAD_KEYS is required when TEMPORAL_ADDRESS is set .* or set PAYLOAD_ENCRYPTION=off$/);
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', PAYLOAD_ENCRYPTION: 'off' }).payload.encrypt).toBe(false);
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', PAYLOAD_KEYS: `k1:${key(1)}` }).payload.encrypt).toBe(true);
  });

  it.each([
    [{ PAYLOAD_ENCRYPTION: 'false' }, 'PAYLOAD_ENCRYPTION: must be on or off'],
    [{ PAYLOAD_KEYS: key(1) }, 'PAYLOAD_KEYS: entry 1 has no key id'],
    [{ PAYLOAD_KEYS: `k1:${Buffer.alloc(24).toString('base64')}` }, 'PAYLOAD_KEYS: key "k1" is not 32 bytes in base64'],
    [{ PAYLOAD_CODEC_ORIGINS: '*' }, 'PAYLOAD_CODEC_ORIGINS: "*" is not an origin'],
    [{ PAYLOAD_CODEC_ORIGINS: 'http://localhost:8080/namespaces' }, 'PAYLOAD_CODEC_ORIGINS: "http://localhost:8080/namespaces" is not an origin'],
  ])('rejects %j in one line naming the variable', (env, message) => {
    expect(failure(env as Record<string, string>)).toContain(`invalid configuration: ${message}`);
  });

  it('never echoes key material in its message', () => {
    const secret = Buffer.alloc(31, 9).toString('base64');
    expect(failure({ PAYLOAD_KEYS: `k1:${secret}` })).not.toContain(secret);
  });
});
