/**
 * The seed's "apiData" container: what a Resurs landing URL (success / fail / back) carries so
 * the landing finds its order without trusting anything else in the URL. Base64url JSON plus an
 * HMAC-SHA256 tag with a server key, so a tampered one is refused (400, nothing changed).
 * Resurs forbids `|` in signing URLs: base64url and `.` are safe.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type ResursLanding = 'success' | 'fail' | 'back';
export type CheckoutType = 'simplified' | 'hosted' | 'rco';

export interface ApiData {
  checkoutType: CheckoutType;
  paymentMethod: string;
  orderId: string;
  preferredId: string;
  isReturningCustomer: boolean;
  urlType: ResursLanding;
}

const TAG_BYTES = 16;

function tag(payload: string, key: string): Buffer {
  return createHmac('sha256', key).update(payload).digest().subarray(0, TAG_BYTES);
}

export function encodeApiData(data: ApiData, key: string): string {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
  return `${payload}.${tag(payload, key).toString('base64url')}`;
}

/** The container if its tag is right and it is well formed; undefined otherwise. */
export function decodeApiData(text: unknown, key: string): ApiData | undefined {
  if (typeof text !== 'string' || text.length > 2048) return undefined;
  const [payload, given, ...rest] = text.split('.');
  if (!payload || !given || rest.length > 0) return undefined;
  const expected = tag(payload, key);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<ApiData>;
    const strings = [data.paymentMethod, data.orderId, data.preferredId].every((v) => typeof v === 'string');
    const kinds = ['simplified', 'hosted', 'rco'].includes(data.checkoutType as string) && ['success', 'fail', 'back'].includes(data.urlType as string);
    return strings && kinds && typeof data.isReturningCustomer === 'boolean' ? (data as ApiData) : undefined;
  } catch {
    return undefined;
  }
}

/** The key the container is signed with: derived from a server-only secret, never sent anywhere. */
export function apiDataKey(serverSecret: string): string {
  return createHmac('sha256', 'checkout-sagas resurs apiData').update(serverSecret).digest('hex');
}
