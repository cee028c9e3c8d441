import type { Request } from 'express';
import type { CallbackSender, SandboxLog } from './callbacks';
import type { ResursStore } from './store';

/** What the Resurs sandbox's modules share. */
export interface ResursSandboxContext {
  store: ResursStore;
  callbacks: CallbackSender;
  log: SandboxLog;
  now: () => Date;
  /** The merchant credentials the SOAP services and the hosted-flow back-channel accept. */
  username: string;
  password: string;
  /** Origin the customer's browser reaches the sandbox by; '' = the request's own origin. */
  publicUrl: string;
  /** The merchant's name on the customer's pages. */
  merchantName: string;
  /** waitForFraudControl=false: how long the "automatic fraud control" takes. */
  fraudControlDelayMs: number;
  /** Runs `work` after `delayMs` in the background; drain()/close() wait for it. */
  later(delayMs: number, work: () => Promise<void>): void;
}

/** Absolute URL of the sandbox root (where it is mounted), e.g. `http://host:3000/sandbox/resurs`. */
export function sandboxRoot(ctx: Pick<ResursSandboxContext, 'publicUrl'>, req: Pick<Request, 'protocol' | 'get' | 'baseUrl'>): string {
  const origin = ctx.publicUrl ? ctx.publicUrl.replace(/\/+$/, '') : `${req.protocol}://${req.get('host')}`;
  return `${origin}${req.baseUrl}`;
}
