/**
 * Temporal's remote codec protocol, so operators read encrypted histories: the Temporal UI posts
 * the payloads it shows from the operator's browser (`/decode`), or a signal's input it is about
 * to send (`/encode`); the `temporal` CLI does the same with `--codec-endpoint`.
 *
 * Who may call: a page of an allowed Temporal UI origin (`PAYLOAD_CODEC_ORIGINS`; the UI cannot
 * hold a static secret), or, without an Origin (CLI, scripts), the bearer `ADMIN_TOKEN`. Any
 * other Origin is refused, so no other web site can use an operator's browser to decrypt.
 */
import express, { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { PayloadDecryptionError } from '../temporal/codec';
import { bearerOf, sameSecret } from './auth';
import { HttpError, parseBody } from './errors';

/** A history's payloads can be far larger than the API's 64 KiB bodies. */
const BODY_LIMIT = '4mb';
const BODY_LIMIT_TEXT = '4 MiB';

// Proto3 JSON: every bytes field (data, each metadata value) is base64.
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() });
export const CodecRequest = z.object({ payloads: z.array(JsonPayload).max(10_000) });
type JsonPayload = z.infer<typeof JsonPayload>;

const mapValues = <A, B>(record: Record<string, A>, fn: (value: A) => B) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
const fromJson = (p: JsonPayload): Payload => ({
  metadata: mapValues(p.metadata ?? {}, (v) => new Uint8Array(Buffer.from(v, 'base64'))),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: mapValues(p.metadata ?? {}, (v) => Buffer.from(v).toString('base64')),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export interface CodecDeps {
  /** Undefined when payload encryption is off and no key is held: the endpoint answers 404. */
  codec?: PayloadCodec;
  namespace: string;
  origins: readonly string[];
  adminToken?: string;
}

export function codecRouter({ codec, namespace, origins, adminToken }: CodecDeps): Router {
  const router = Router();
  const json = express.json({ limit: BODY_LIMIT, type: 'application/json' });

  const guard: RequestHandler = (req, res, next) => {
    res.vary('Origin');
    if (!codec) return next(new HttpError(404, 'not_found', 'payload encryption is off: there is no codec endpoint'));
    const origin = req.get('origin');
    if (origin === undefined) {
      const given = bearerOf(req);
      if (adminToken && given && sameSecret(given, adminToken)) return next();
      return next(new HttpError(401, 'unauthorized', 'call from an allowed Temporal UI origin (PAYLOAD_CODEC_ORIGINS), or with Authorization: Bearer <ADMIN_TOKEN>'));
    }
    if (!origins.includes(origin)) return next(new HttpError(403, 'origin_not_allowed', `pages of ${origin} may not use the codec endpoint (see PAYLOAD_CODEC_ORIGINS)`));
    // Credentials allowed for a UI set to "include cross-origin credentials" (cookies of an SSO proxy in front).
    res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' });
    if (req.method !== 'OPTIONS') return next();
    res.set({ 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization', 'Access-Control-Max-Age': '600' });
    res.status(204).end();
  };

  // The general error handler would name the API's 64 KiB limit.
  const parse: RequestHandler = (req, res, next) =>
    json(req, res, (err?: { status?: number }) => next(err?.status === 413 ? new HttpError(413, 'payload_too_large', `codec request body is larger than ${BODY_LIMIT_TEXT}`) : err));

  const convert =
    (direction: 'encode' | 'decode'): RequestHandler =>
    async (req, res) => {
      const given = req.get('x-namespace');
      if (given !== undefined && given !== namespace) {
        throw new HttpError(400, 'invalid_request', `X-Namespace: this codec serves the namespace "${namespace}", not "${given}"`);
      }
      const { payloads } = parseBody(CodecRequest, req.body);
      try {
        const converted = await codec![direction](payloads.map(fromJson));
        res.json({ payloads: converted.map(toJson) });
      } catch (err) {
        if (err instanceof PayloadDecryptionError) throw new HttpError(422, 'undecryptable_payload', err.message);
        throw err;
      }
    };

  router.use(guard);
  router.post('/encode', parse, convert('encode'));
  router.post('/decode', parse, convert('decode'));
  return router;
}
