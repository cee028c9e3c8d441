/**
 * The built-in provider sandboxes the API serves when a provider has no real URL configured
 * (development, demos; production only with ENABLE_SANDBOXES=true).
 */
import type { Router } from 'express';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { KOMOJU_SANDBOX_PATH, RESURS_SANDBOX_PATH, type Config } from '../config';
import { komojuSandbox } from './komoju';
import { resursSandbox } from './resurs';

export interface Sandboxes {
  mounts: Array<[path: string, router: Router]>;
  close(): Promise<void>;
}

export function startSandboxes(config: Config, db: Db, log: Logger): Sandboxes {
  const running: Array<[string, Router & { close(): Promise<void> }]> = [];
  if (config.komoju.sandbox) {
    running.push([
      KOMOJU_SANDBOX_PATH,
      komojuSandbox({
        db,
        secretKey: config.komoju.secretKey,
        webhookSecret: config.komoju.webhookSecret,
        // The sandbox posts to this same API, at the address the API and the workers reach it by.
        webhookUrl: `${config.sandboxUrl}/webhooks/komoju`,
        publicUrl: config.publicUrl,
        log: log.child({ component: 'komoju-sandbox' }),
      }),
    ]);
  }
  if (config.resurs.sandbox) {
    running.push([
      RESURS_SANDBOX_PATH,
      resursSandbox({
        db,
        username: config.resurs.username,
        password: config.resurs.password,
        callbackSalt: config.resurs.callbackSalt,
        publicUrl: config.publicUrl, // the signing and hosted pages, for the customer's browser
        callbackBaseUrl: config.sandboxUrl, // callbacks nobody registered go to this same API
        log: log.child({ component: 'resurs-sandbox' }),
      }),
    ]);
  }
  return {
    mounts: running,
    close: async () => {
      await Promise.all(running.map(([, sandbox]) => sandbox.close()));
    },
  };
}
