/** The AES-256-GCM payload codec on its own, and the local key the embedded stack keeps under DATA_DIR. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Payload } from '@temporalio/common';
import { loadConfig } from '../../src/config';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadDecryptionError, generatePayloadKey, parsePayloadKeys } from '../../src/temporal/codec';
import { LOCAL_KEY_FILE, openPayloadEncryption } from '../../src/temporal/payload-keys';

const plain = (value: unknown): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
const valueOf = (payload: Payload) => JSON.parse(Buffer.from(payload.data!).toString());
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString();

const customer = { email: 'hanako.codec@example.com', name: 'Hanako Codec' };
const oldKey = generatePayloadKey('2024-01');
const newKey = generatePayloadKey('2025-06');

describe('EncryptionCodec', () => {
  it('round-trips payloads, and what it stores shows neither the data nor its original metadata', async () => {
    const codec = new EncryptionCodec([newKey]);
    const [encrypted] = await codec.encode([plain(customer)]);
    expect(text(encrypted.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted.metadata![KEY_ID_METADATA])).toBe('2025-06');
    expect(Object.keys(encrypted.metadata!).sort()).toEqual([KEY_ID_METADATA, 'encoding'].sort());
    const stored = JSON.stringify({ metadata: Object.values(encrypted.metadata!).map(text), data: text(encrypted.data), base64: Buffer.from(encrypted.data!).toString('base64') });
    expect(stored).not.toContain('hanako');
    expect(stored).not.toContain('json/plain');

    const [decoded] = await codec.decode([encrypted]);
    expect(text(decoded.metadata!.encoding)).toBe('json/plain');
    expect(valueOf(decoded)).toEqual(customer);
  });

  it('encrypts the same payload differently each time (a fresh IV)', async () => {
    const codec = new EncryptionCodec([newKey]);
    const [a, b] = await codec.encode([plain(customer), plain(customer)]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('rotation: the first key encrypts, every listed key decrypts by the id the payload carries', async () => {
    const [fromOld] = await new EncryptionCodec([oldKey]).encode([plain('written last year')]);
    const rotated = new EncryptionCodec([newKey, oldKey]);
    expect(rotated.keyId).toBe('2025-06');
    expect(valueOf((await rotated.decode([fromOld]))[0])).toBe('written last year');
    const [fresh] = await rotated.encode([plain('written today')]);
    expect(text(fresh.metadata![KEY_ID_METADATA])).toBe('2025-06');
    // Dropping the old key too early is a clear error naming the missing key.
    await expect(new EncryptionCodec([newKey]).decode([fromOld])).rejects.toThrow(/key "2024-01", which is not among the keys held \(2025-06\)/);
  });

  it('a wrong key id is a clear error, not garbage', async () => {
    const [encrypted] = await new EncryptionCodec([oldKey]).encode([plain(customer)]);
    const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('nope') } };
    await expect(new EncryptionCodec([oldKey]).decode([relabelled])).rejects.toThrow(PayloadDecryptionError);
    await expect(new EncryptionCodec([oldKey]).decode([relabelled])).rejects.toThrow('key "nope"');
    // Another key under the same id fails authentication.
    const impostor = new EncryptionCodec([{ id: '2024-01', key: newKey.key }]);
    await expect(impostor.decode([encrypted])).rejects.toThrow(/does not decrypt: it was altered, or made with another key/);
  });

  it('tampered ciphertext, IV or tag fails authentication', async () => {
    const codec = new EncryptionCodec([newKey]);
    const [encrypted] = await codec.encode([plain(customer)]);
    const data = Buffer.from(encrypted.data!);
    for (const at of [0, 20, data.length - 1]) {
      const flipped = Buffer.from(data);
      flipped[at] ^= 0x01;
      await expect(codec.decode([{ ...encrypted, data: flipped }])).rejects.toThrow(PayloadDecryptionError);
    }
    await expect(codec.decode([{ ...encrypted, data: data.subarray(0, 10) }])).rejects.toThrow(PayloadDecryptionError);
  });

  it('payloads that were never encrypted pass through unchanged', async () => {
    const codec = new EncryptionCodec([newKey]);
    const old = plain(customer);
    const binary: Payload = { metadata: { encoding: Buffer.from('binary/null') } };
    expect(await codec.decode([old, binary])).toEqual([old, binary]);
  });

  it('with encrypt off it only decrypts', async () => {
    const [encrypted] = await new EncryptionCodec([newKey]).encode([plain(1)]);
    const decryptOnly = new EncryptionCodec([newKey], { encrypt: false });
    expect(await decryptOnly.encode([plain(2)])).toEqual([plain(2)]);
    expect(valueOf((await decryptOnly.decode([encrypted]))[0])).toBe(1);
  });
});

describe('parsePayloadKeys', () => {
  const b64 = newKey.key.toString('base64');

  it('reads id:base64 entries, newest first', () => {
    expect(parsePayloadKeys(`2025-06:${b64}, 2024-01:${oldKey.key.toString('base64')}`)).toEqual([newKey, oldKey]);
  });

  it.each([
    ['no id', b64, /entry 1 has no key id/],
    ['a short key', `k1:${Buffer.alloc(16).toString('base64')}`, /key "k1" is not 32 bytes in base64/],
    ['stray characters', `k1:${b64.slice(0, 20)}!${b64.slice(21)}`, /key "k1" is not 32 bytes/],
    ['a repeated id', `k1:${b64},k1:${b64}`, /key id "k1" is listed twice/],
  ])('refuses %s, without echoing the key', (_what, value, message) => {
    expect(() => parsePayloadKeys(value)).toThrow(message);
    try {
      parsePayloadKeys(value);
    } catch (err) {
      expect((err as Error).message).not.toContain(b64.slice(0, 20));
    }
  });
});

describe('the local key under DATA_DIR (embedded Temporal, no PAYLOAD_KEYS)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-keys-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is made once, readable by its owner only, and used again after a restart', async () => {
    const first = openPayloadEncryption(loadConfig({ DATA_DIR: dataDir }))!;
    const file = path.join(dataDir, LOCAL_KEY_FILE);
    expect(first.source).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const [encrypted] = await first.codec.encode([plain(customer)]);

    const again = openPayloadEncryption(loadConfig({ DATA_DIR: dataDir }))!;
    expect(again.codec.keyId).toBe(first.codec.keyId);
    expect(valueOf((await again.codec.decode([encrypted]))[0])).toEqual(customer);
    expect(fs.readdirSync(dataDir)).toEqual([LOCAL_KEY_FILE]);
  });

  it('is not used when PAYLOAD_KEYS is set, nor made when encryption is off', () => {
    const given = openPayloadEncryption(loadConfig({ DATA_DIR: dataDir, PAYLOAD_KEYS: `k1:${newKey.key.toString('base64')}` }))!;
    expect([given.source, given.codec.keyId]).toEqual(['PAYLOAD_KEYS', 'k1']);
    expect(openPayloadEncryption(loadConfig({ DATA_DIR: dataDir, PAYLOAD_ENCRYPTION: 'off' }))).toBeUndefined();
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('a damaged key file stops start-up naming the file, without quoting it', () => {
    fs.writeFileSync(path.join(dataDir, LOCAL_KEY_FILE), '{"PAYLOAD_KEYS": "local-1:not-a-key-at-all"');
    expect(() => openPayloadEncryption(loadConfig({ DATA_DIR: dataDir }))).toThrow(`${path.join(dataDir, LOCAL_KEY_FILE)} holds no payload key; restore it, or set PAYLOAD_KEYS`);
  });
});
