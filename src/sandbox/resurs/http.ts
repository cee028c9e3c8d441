import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the request carries HTTP Basic credentials equal to these (constant time). */
export function hasCredentials(req: Request, username: string, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get('authorization') ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(username));
  const passOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(password));
  return userOk && passOk;
}

/** HTTP Basic with the merchant's user name and password; `refuse` answers a failure. */
export function basicAuth(username: string, password: string, refuse: (res: Response) => void): RequestHandler {
  return (req, res, next) => {
    if (hasCredentials(req, username, password)) return next();
    res.set('WWW-Authenticate', 'Basic realm="Resurs Bank sandbox"');
    refuse(res);
  };
}

export function isFormPost(req: Request): boolean {
  return (req.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** JSON for API clients and tests (`?format=json`, an Accept without HTML, a non-form POST); HTML otherwise. */
export function wantsJson(req: Request): boolean {
  if (req.query.format === 'json') return true;
  if (req.query.format === 'html') return false;
  const accept = req.get('accept') ?? '';
  if (accept.includes('application/json') && !accept.includes('text/html')) return true;
  return req.method === 'POST' && !isFormPost(req);
}

export function formField(req: Request, name: string): string {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const value = body[name];
  return typeof value === 'string' ? value.trim() : '';
}
