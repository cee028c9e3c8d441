/**
 * Resurs Bank callback digests (docs/configuration-service/callbacks/index.md, "Digest and
 * checksum"): UPPERCASE hex of SHA1 (or MD5) over the digest parameters' values concatenated in
 * their registered order, followed by the salt. Documented vector: paymentId "lePayment", salt
 * "iCanHasCheezeburger" → MD5 ED3381936CCAA2659CF3089F4AA83007.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ResursCallbackType } from './types';

export type DigestAlgorithm = 'sha1' | 'md5';

/**
 * The parameters each callback's digest covers, in order (what Resurs' EComPHP registers with
 * registerEventCallback, and what the built-in sandbox uses when nothing was registered).
 */
export const CALLBACK_DIGEST_PARAMETERS: Readonly<Record<ResursCallbackType, readonly string[]>> = {
  UNFREEZE: ['paymentId'],
  ANNULMENT: ['paymentId'],
  AUTOMATIC_FRAUD_CONTROL: ['paymentId', 'result'],
  FINALIZATION: ['paymentId'],
  BOOKED: ['paymentId'],
  UPDATE: ['paymentId'],
  TEST: ['param1', 'param2', 'param3', 'param4', 'param5'],
};

/** UPPERCASE hex of hash(params joined + salt). */
export function callbackDigest(params: string[], salt: string, algorithm: DigestAlgorithm = 'sha1'): string {
  return createHash(algorithm).update(`${params.join('')}${salt}`, 'utf8').digest('hex').toUpperCase();
}

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha1: 40, md5: 32 };

/**
 * Whether `given` is the SHA1 or MD5 digest of `params` + `salt`: case-insensitive, compared in
 * constant time (the algorithm is told apart by the length, which is not secret).
 */
export function verifyCallbackDigest(given: string | undefined | null, params: string[], salt: string): boolean {
  if (typeof given !== 'string') return false;
  const candidate = given.trim().toUpperCase();
  for (const algorithm of ['sha1', 'md5'] as const) {
    if (candidate.length !== HEX_LENGTH[algorithm]) continue;
    const expected = Buffer.from(callbackDigest(params, salt, algorithm), 'utf8');
    const actual = Buffer.from(candidate, 'utf8');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
  return false;
}
