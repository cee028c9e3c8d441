import type { Request } from 'express';
import type { IdempotencyStore } from './idempotency';
import type { SandboxStore } from './store';
import type { SandboxLog, WebhookSender } from './webhooks';

/** What the sandbox's route modules share. */
export interface SandboxContext {
  store: SandboxStore;
  idempotency: IdempotencyStore;
  webhooks: WebhookSender;
  log: SandboxLog;
  /** The merchant's API key the sandbox accepts. */
  secretKey: string;
  now: () => Date;
  /** When set, hosted-page links use it instead of the request's own origin. */
  publicUrl?: string;
  /** The merchant's name on the customer's pages. */
  merchantName: string;
}

/** Absolute URL of the sandbox root (where it is mounted), e.g. `http://host:3000/sandbox/komoju`. */
export function sandboxRoot(ctx: SandboxContext, req: Request): string {
  const origin = ctx.publicUrl ? ctx.publicUrl.replace(/\/+$/, '') : `${req.protocol}://${req.get('host')}`;
  return `${origin}${req.baseUrl}`;
}
