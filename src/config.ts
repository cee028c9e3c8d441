import path from 'node:path';
import { z } from 'zod';

/** Parses `30m`, `1h`, `250ms`, `3d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (use e.g. 500ms, 30s, 30m, 1h, 3d)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms'];
  return Math.round(Number(match[1]) * unit);
}

const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
const url = z.url();

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: url.optional(),
  STOREFRONT_URL: url.optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('checkout'),
  MONGODB_URI: z.string().startsWith('mongodb').optional(),
  MONGODB_DB: z.string().min(1).default('checkout'),
  SMTP_URL: z.string().startsWith('smtp').optional(),
  MAIL_FROM: z.string().min(3).default('tickets@localhost'),
  KOMOJU_API_URL: url.optional(),
  KOMOJU_SECRET_KEY: z.string().min(1).default('sk_test_sandbox'),
  KOMOJU_WEBHOOK_SECRET: z.string().min(1).default('whsec_sandbox'),
  RESURS_API_URL: url.optional(),
  RESURS_USERNAME: z.string().default('sandbox'),
  RESURS_PASSWORD: z.string().default('sandbox'),
  RESURS_CALLBACK_SALT: z.string().default('sandbox-salt'),
  CHECKOUT_TIMEOUT: duration.default(30 * 60_000),
  KONBINI_GRACE: duration.default(60 * 60_000),
  ADMIN_TOKEN: z.string().min(8).optional(),
  API_TOKEN: z.string().min(16).optional(),
  DATA_DIR: z.string().min(1).default('./var'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  publicUrl: string;
  storefrontUrl: string;
  temporal: { address?: string; namespace: string; taskQueue: string };
  mongo: { uri?: string; db: string };
  smtp: { url?: string; from: string };
  komoju: { enabled: boolean; sandbox: boolean; apiUrl: string; secretKey: string; webhookSecret: string; konbiniGraceMs: number };
  resurs: { apiUrl?: string; username: string; password: string; callbackSalt: string };
  checkoutTimeoutMs: number;
  adminToken?: string;
  apiToken?: string;
  production: boolean;
  checkoutRateLimit: { max: number; windowMs: number };
  dataDir: string;
  logLevel: string;
}

export const KOMOJU_SANDBOX_PATH = '/sandbox/komoju';

export class ConfigError extends Error {}

/** Reads the environment once; an invalid value throws one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const komojuApiUrl = (e.KOMOJU_API_URL ?? `${publicUrl}${KOMOJU_SANDBOX_PATH}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    publicUrl,
    storefrontUrl: (e.STOREFRONT_URL ?? publicUrl).replace(/\/$/, ''),
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    mongo: { uri: e.MONGODB_URI, db: e.MONGODB_DB },
    smtp: { url: e.SMTP_URL, from: e.MAIL_FROM },
    komoju: {
      apiUrl: komojuApiUrl,
      secretKey: e.KOMOJU_SECRET_KEY,
      webhookSecret: e.KOMOJU_WEBHOOK_SECRET,
      // The API serves the sandbox itself when no real KOMOJU is configured (or when pointed at it).
      sandbox: komojuApiUrl.endsWith(KOMOJU_SANDBOX_PATH),
      enabled: true,
      konbiniGraceMs: e.KONBINI_GRACE,
    },
    resurs: {
      apiUrl: e.RESURS_API_URL,
      username: e.RESURS_USERNAME,
      password: e.RESURS_PASSWORD,
      callbackSalt: e.RESURS_CALLBACK_SALT,
    },
    checkoutTimeoutMs: e.CHECKOUT_TIMEOUT,
    adminToken: e.ADMIN_TOKEN,
    apiToken: e.API_TOKEN,
    production: false,
    checkoutRateLimit: { max: 120, windowMs: 60_000 },
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
  };
}
