import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { parsePayloadKeys, type PayloadKey } from './temporal/codec';

/** Parses `30m`, `1h`, `250ms`, `3d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (use e.g. 500ms, 30s, 30m, 1h, 3d)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms'];
  return Math.round(Number(match[1]) * unit);
}

export interface RateLimit {
  max: number;
  windowMs: number;
}

/** Parses `<count>/<duration>`, e.g. `120/1m`: at most `count` requests per `duration`. */
export function parseRateLimit(text: string): RateLimit {
  const match = /^(\d+)\/(\S+)$/.exec(text.trim());
  const max = match ? Number(match[1]) : 0;
  let windowMs = 0;
  try {
    windowMs = match ? parseDuration(match[2]) : 0;
  } catch {
    // reported below, with the format of the whole value
  }
  if (max < 1 || windowMs < 1) throw new Error(`"${text}" is not a rate limit (use <count>/<duration>, e.g. 120/1m)`);
  return { max, windowMs };
}

/** Parses a comma-separated list of web origins (`scheme://host[:port]`), e.g. the Temporal UI's. */
export function parseOrigins(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const url = URL.canParse(entry) ? new URL(entry) : undefined;
      if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
        throw new Error(`"${entry}" is not an origin (scheme://host[:port], e.g. http://localhost:8080)`);
      }
      return url.origin;
    });
}

/** A zod string that a throwing parser turns into a value; its message becomes the issue. */
function parsed<T>(parse: (text: string) => T) {
  return z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}
const duration = parsed(parseDuration);
const url = z.url();
// Provider URLs carry secrets (Basic auth, signatures): no other scheme makes sense.
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** Development serves every provider without a URL from its built-in sandbox; production only on request. */
const sandboxesOn = (e: { NODE_ENV?: string; ENABLE_SANDBOXES?: boolean }) => e.ENABLE_SANDBOXES ?? e.NODE_ENV !== 'production';

const EnvSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(100),
    PUBLIC_URL: url.optional(),
    STOREFRONT_URL: url.optional(),
    SANDBOX_URL: httpUrl.optional(),
    ENABLE_SANDBOXES: flag.optional(),
    TEMPORAL_ADDRESS: z.string().min(1).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('checkout'),
    MONGODB_URI: z.string().startsWith('mongodb').optional(),
    MONGODB_DB: z.string().min(1).default('checkout'),
    SMTP_URL: z.string().startsWith('smtp').optional(),
    MAIL_FROM: z.string().min(3).default('tickets@localhost'),
    KOMOJU_API_URL: httpUrl.optional(),
    KOMOJU_SECRET_KEY: z.string().min(1).optional(),
    KOMOJU_WEBHOOK_SECRET: z.string().min(1).optional(),
    RESURS_API_URL: httpUrl.optional(),
    RESURS_USERNAME: z.string().min(1).optional(),
    RESURS_PASSWORD: z.string().min(1).optional(),
    RESURS_CALLBACK_SALT: z.string().min(1).optional(),
    RESURS_REVIEW_TIMEOUT: duration.default(3 * 86_400_000),
    CHECKOUT_TIMEOUT: duration.default(30 * 60_000),
    CHECKOUT_RATE_LIMIT: parsed(parseRateLimit).default({ max: 120, windowMs: 60_000 }),
    KONBINI_GRACE: duration.default(60 * 60_000),
    API_TOKEN: z.string().min(16).optional(),
    ADMIN_TOKEN: z.string().min(8).optional(),
    DATA_DIR: z.string().min(1).default('./var'),
    PAYLOAD_ENCRYPTION: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    PAYLOAD_KEYS: parsed(parsePayloadKeys).optional(),
    PAYLOAD_CODEC_ORIGINS: parsed(parseOrigins).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((e, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    // Money safety: a real provider never runs on the sandbox's well-known secrets.
    const secretsOf = {
      KOMOJU_API_URL: ['KOMOJU_SECRET_KEY', 'KOMOJU_WEBHOOK_SECRET'],
      RESURS_API_URL: ['RESURS_USERNAME', 'RESURS_PASSWORD', 'RESURS_CALLBACK_SALT'],
    } as const;
    for (const urlName of ['KOMOJU_API_URL', 'RESURS_API_URL'] as const) {
      if (!e[urlName]) continue;
      for (const name of secretsOf[urlName]) if (e[name] === undefined) fail(`${name} is required when ${urlName} is set`);
    }
    if (e.NODE_ENV === 'production' && !e.API_TOKEN) {
      fail("API_TOKEN is required when NODE_ENV=production (the shop server's bearer key, at least 16 characters)");
    }
    if (!e.KOMOJU_API_URL && !e.RESURS_API_URL && !sandboxesOn(e)) {
      fail('no payment provider is enabled: set KOMOJU_API_URL and its secrets (or RESURS_API_URL), or ENABLE_SANDBOXES=true for the built-in sandboxes');
    }
    // The embedded server gets a key made under DATA_DIR; a shared server's keys must be the deployment's own.
    if (e.TEMPORAL_ADDRESS && e.PAYLOAD_ENCRYPTION === 'on' && !e.PAYLOAD_KEYS) {
      fail('PAYLOAD_KEYS is required when TEMPORAL_ADDRESS is set (<id>:<base64 of 32 bytes>, e.g. k1:$(openssl rand -base64 32)), or set PAYLOAD_ENCRYPTION=off');
    }
  });

/** The variables loadConfig reads (NODE_ENV included). */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape) as ReadonlyArray<string>;

export interface Config {
  /** NODE_ENV=production: sandboxes are opt-in and API_TOKEN is required. */
  production: boolean;
  port: number;
  /** `npm run worker`'s own /metrics listener; 0: none. */
  workerMetricsPort: number;
  /** Runs a worker keeps in memory between their tasks (the rest replay from history when woken). */
  workerCachedWorkflows: number;
  publicUrl: string;
  storefrontUrl: string;
  /** Where the API serving the built-in sandboxes is reached by the API itself and the workers. */
  sandboxUrl: string;
  temporal: { address?: string; namespace: string; taskQueue: string };
  mongo: { uri?: string; db: string };
  smtp: { url?: string; from: string };
  /** `enabled` false: not offered at all. `sandbox`: served by the API's built-in sandbox. */
  komoju: { enabled: boolean; sandbox: boolean; apiUrl: string; secretKey: string; webhookSecret: string; konbiniGraceMs: number };
  resurs: { enabled: boolean; sandbox: boolean; apiUrl: string; username: string; password: string; callbackSalt: string; reviewTimeoutMs: number };
  checkoutTimeoutMs: number;
  /** Per client, for creating checkouts. */
  checkoutRateLimit: RateLimit;
  /** Bearer key of the shop's server for the checkout API; required in production. */
  apiToken?: string;
  adminToken?: string;
  dataDir: string;
  logLevel: string;
  payload: {
    /** `PAYLOAD_ENCRYPTION=off`: new payloads stay plain (listed keys still decrypt old ones). */
    encrypt: boolean;
    /** `PAYLOAD_KEYS`, newest first; unset = the local key under `dataDir` (embedded Temporal only). */
    keys?: PayloadKey[];
    /** Temporal UI origins whose pages may call the codec endpoint from an operator's browser. */
    codecOrigins: string[];
  };
}

export const KOMOJU_SANDBOX_PATH = '/sandbox/komoju';
/** Where the built-in Resurs sandbox will be mounted (none is served yet). */
export const RESURS_SANDBOX_PATH = '/sandbox/resurs';

/** The built-in sandboxes' well-known secrets (public, like any test key; never used with a real provider URL). */
export const SANDBOX_SECRETS = {
  komojuSecretKey: 'sk_test_sandbox',
  komojuWebhookSecret: 'whsec_sandbox',
  resursUsername: 'sandbox',
  resursPassword: 'sandbox',
  resursCallbackSalt: 'sandbox-salt',
} as const;

export class ConfigError extends Error {}

type ProviderMode = { enabled: boolean; sandbox: boolean; apiUrl: string };

/** A real URL wins (even one ending in a sandbox path); otherwise the built-in sandbox, if allowed. */
function providerMode(realUrl: string | undefined, sandboxes: boolean, sandboxApiUrl: string): ProviderMode {
  if (realUrl) return { enabled: true, sandbox: false, apiUrl: realUrl.replace(/\/$/, '') };
  if (sandboxes) return { enabled: true, sandbox: true, apiUrl: sandboxApiUrl };
  return { enabled: false, sandbox: false, apiUrl: '' };
}

/** The given value, else the sandbox's public one; a disabled provider gets one nobody knows. */
function secret(mode: ProviderMode, given: string | undefined, sandboxValue: string): string {
  // Disabled: a webhook or callback checked against it can never pass, even if one is mounted.
  if (!mode.enabled) return randomBytes(32).toString('hex');
  // With a real URL the schema has made sure it is given; the sandbox falls back to its own.
  return given ?? sandboxValue;
}

/** Reads the environment once; an invalid value throws one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ConfigError(`invalid configuration: ${where}${issue.message}`);
  }
  const e = result.data;
  const sandboxes = sandboxesOn(e);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const sandboxUrl = (e.SANDBOX_URL ?? publicUrl).replace(/\/$/, '');
  const komoju = providerMode(e.KOMOJU_API_URL, sandboxes, `${sandboxUrl}${KOMOJU_SANDBOX_PATH}`);
  const resurs = providerMode(e.RESURS_API_URL, sandboxes, `${sandboxUrl}${RESURS_SANDBOX_PATH}`);
  return {
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    workerCachedWorkflows: e.WORKER_CACHED_WORKFLOWS,
    publicUrl,
    storefrontUrl: (e.STOREFRONT_URL ?? publicUrl).replace(/\/$/, ''),
    sandboxUrl,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    mongo: { uri: e.MONGODB_URI, db: e.MONGODB_DB },
    smtp: { url: e.SMTP_URL, from: e.MAIL_FROM },
    komoju: {
      ...komoju,
      secretKey: secret(komoju, e.KOMOJU_SECRET_KEY, SANDBOX_SECRETS.komojuSecretKey),
      webhookSecret: secret(komoju, e.KOMOJU_WEBHOOK_SECRET, SANDBOX_SECRETS.komojuWebhookSecret),
      konbiniGraceMs: e.KONBINI_GRACE,
    },
    resurs: {
      ...resurs,
      username: secret(resurs, e.RESURS_USERNAME, SANDBOX_SECRETS.resursUsername),
      password: secret(resurs, e.RESURS_PASSWORD, SANDBOX_SECRETS.resursPassword),
      callbackSalt: secret(resurs, e.RESURS_CALLBACK_SALT, SANDBOX_SECRETS.resursCallbackSalt),
      reviewTimeoutMs: e.RESURS_REVIEW_TIMEOUT,
    },
    checkoutTimeoutMs: e.CHECKOUT_TIMEOUT,
    checkoutRateLimit: e.CHECKOUT_RATE_LIMIT,
    apiToken: e.API_TOKEN,
    adminToken: e.ADMIN_TOKEN,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    payload: { encrypt: e.PAYLOAD_ENCRYPTION === 'on', keys: e.PAYLOAD_KEYS, codecOrigins: e.PAYLOAD_CODEC_ORIGINS ?? [] },
  };
}
