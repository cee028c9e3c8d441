import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * KOMOJU webhook signatures: lowercase hex HMAC-SHA256 of the raw request body, keyed with the
 * webhook secret, sent in `X-Komoju-Signature`.
 */
export function signKomoju(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * True only when `header` is the signature of exactly these bytes. Compares in constant time;
 * a missing, malformed or wrong-length header is simply false (never throws).
 */
export function verifyKomojuSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const given = header.trim();
  if (!HEX_SHA256.test(given)) return false;
  const expected = Buffer.from(signKomoju(rawBody, secret), 'hex');
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
