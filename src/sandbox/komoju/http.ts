import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { KomojuErrorBody } from '../../providers/komoju/types';

export type KomojuErrorStatus = 400 | 401 | 402 | 404 | 409 | 422 | 500;

const CODES: Record<KomojuErrorStatus, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  402: 'request_failed',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable_entity',
  500: 'internal_server_error',
};

/** A KOMOJU-shaped error, thrown by handlers and turned into a response by `apiErrors`. */
export class KomojuHttpError extends Error {
  constructor(
    readonly status: KomojuErrorStatus,
    message: string,
    readonly param: string | null = null,
    readonly code: string = CODES[status],
  ) {
    super(message);
  }

  toBody(): KomojuErrorBody {
    return { error: { code: this.code, message: this.message, param: this.param } };
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** HTTP Basic with the secret key as user name (password ignored, as KOMOJU does). */
export function basicAuth(secretKey: string): RequestHandler {
  const expected = digest(secretKey);
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const user = match ? Buffer.from(match[1], 'base64').toString('utf8').split(':')[0] : '';
    if (user && timingSafeEqual(digest(user), expected)) return next();
    res.set('WWW-Authenticate', 'Basic realm="KOMOJU sandbox"');
    const err = new KomojuHttpError(401, 'Authentication failed: send your secret key as the Basic auth user name.');
    res.status(401).json(err.toBody());
  };
}

/** Last handler of the JSON API: every error leaves in KOMOJU's shape, internals stay in the log. */
export function apiErrors(log: { error(obj: object, msg?: string): void }) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    if (err instanceof KomojuHttpError) {
      res.status(err.status).json(err.toBody());
      return;
    }
    const type = (err as { type?: unknown })?.type;
    if (type === 'entity.parse.failed') {
      res.status(400).json(new KomojuHttpError(400, 'The request body is not valid JSON.').toBody());
      return;
    }
    if (type === 'entity.too.large') {
      res.status(400).json(new KomojuHttpError(400, 'The request body is too large.').toBody());
      return;
    }
    log.error({ err }, 'komoju sandbox: request failed');
    res.status(500).json(new KomojuHttpError(500, 'Internal error in the KOMOJU sandbox.').toBody());
  };
}
