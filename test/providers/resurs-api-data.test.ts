import { apiDataKey, decodeApiData, encodeApiData, type ApiData } from '../../src/providers/resurs/api-data';

const key = apiDataKey('server-only-secret');
const data: ApiData = { checkoutType: 'simplified', paymentMethod: 'INVOICE', orderId: 'order-1', preferredId: 'order-1', isReturningCustomer: false, urlType: 'success' };

test('the container comes back as it was written, and carries no "|"', () => {
  const text = encodeApiData(data, key);
  expect(text).not.toContain('|');
  expect(text).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  expect(decodeApiData(text, key)).toEqual(data);
});

test('a tampered, re-signed-with-another-key, truncated or malformed container is refused', () => {
  const text = encodeApiData(data, key);
  const [payload, tag] = text.split('.');
  const forged = Buffer.from(JSON.stringify({ ...data, orderId: 'order-2' })).toString('base64url');
  expect(decodeApiData(`${forged}.${tag}`, key)).toBeUndefined();
  expect(decodeApiData(encodeApiData({ ...data, orderId: 'order-2' }, apiDataKey('another-secret')), key)).toBeUndefined();
  expect(decodeApiData(`${payload}.${tag.slice(0, -2)}`, key)).toBeUndefined();
  expect(decodeApiData(payload, key)).toBeUndefined();
  expect(decodeApiData(`${text}.x`, key)).toBeUndefined();
  expect(decodeApiData(undefined, key)).toBeUndefined();
  expect(decodeApiData(['a', 'b'], key)).toBeUndefined();
  // Signed by us but not a container: refused too.
  expect(decodeApiData(encodeApiData({ ...data, urlType: 'elsewhere' } as unknown as ApiData, key), key)).toBeUndefined();
});
