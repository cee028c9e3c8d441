/**
 * AES-256-GCM payload codec: what Temporal stores of a checkout (the customer's name and e-mail
 * among it) is ciphertext that only holders of the keys can read. The newest key encrypts; every
 * listed key decrypts, picked by the id the payload carries, so keys rotate without rewriting
 * history. Payloads written before encryption was on pass through unchanged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface PayloadKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** A payload this codec cannot read: a key it does not hold, or altered bytes. */
export class PayloadDecryptionError extends Error {}

/**
 * Parses `id:base64[,id:base64…]`, newest first. Messages name entries by position, never by
 * value: they end up in start-up lines and must not echo key material.
 */
export function parsePayloadKeys(text: string): PayloadKey[] {
  const entries = text.split(',').map((entry) => entry.trim());
  const keys = entries.map((entry, i) => {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    if (at < 0 || !KEY_ID.test(id)) throw new Error(`entry ${i + 1} has no key id (use <id>:<base64 of 32 bytes>; an id of letters, digits, '.', '_', '-')`);
    // 32 bytes are 43 base64 characters and one '='; Buffer.from alone would skip stray characters.
    const base64 = entry.slice(at + 1);
    if (!/^[A-Za-z0-9+/]{43}=?$/.test(base64)) throw new Error(`key "${id}" is not 32 bytes in base64 (make one with: openssl rand -base64 32)`);
    return { id, key: Buffer.from(base64, 'base64') };
  });
  const ids = keys.map((k) => k.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new Error(`key id "${repeated}" is listed twice`);
  return keys;
}

export const formatPayloadKeys = (keys: readonly PayloadKey[]) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');

export function generatePayloadKey(id: string): PayloadKey {
  return { id, key: randomBytes(32) };
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** The plain payload as bytes to encrypt: JSON with base64 fields (no protobuf dependency needed). */
function serialize(payload: Payload): Buffer {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return Buffer.from(JSON.stringify({ metadata, data: Buffer.from(payload.data ?? []).toString('base64') }));
}

function deserialize(bytes: Buffer): Payload {
  const plain = JSON.parse(bytes.toString('utf8')) as { metadata: Record<string, string>; data: string };
  return {
    metadata: Object.fromEntries(Object.entries(plain.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
    data: new Uint8Array(Buffer.from(plain.data, 'base64')),
  };
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  /** `encrypt: false` only decrypts: for turning encryption off while old histories remain. */
  constructor(
    private readonly keys: readonly PayloadKey[],
    readonly options: { encrypt: boolean } = { encrypt: true },
  ) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    for (const { id, key } of keys) if (!KEY_ID.test(id) || key.length !== 32) throw new Error(`payload key "${id}" is not a 32-byte key with a plain id`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The key new payloads are encrypted with. */
  get keyId(): string {
    return this.keys[0].id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return this.options.encrypt ? payloads.map((payload) => this.encrypt(payload)) : payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  encrypt(payload: Payload): Payload {
    const { id, key } = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // The key id is authenticated too: relabelling a payload with another id fails to decrypt.
    cipher.setAAD(Buffer.from(id));
    const sealed = Buffer.concat([cipher.update(serialize(payload)), cipher.final()]);
    return {
      metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
      data: Buffer.concat([iv, sealed, cipher.getAuthTag()]),
    };
  }

  decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload; // written before encryption was on
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = id === undefined ? undefined : this.byId.get(id);
    if (!key) {
      throw new PayloadDecryptionError(`payload encrypted with key "${id ?? '(no id)'}", which is not among the keys held (${[...this.byId.keys()].join(', ')})`);
    }
    const data = Buffer.from(payload.data ?? []);
    try {
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id!));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return deserialize(Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]));
    } catch {
      throw new PayloadDecryptionError(`payload encrypted with key "${id}" does not decrypt: it was altered, or made with another key under that id`);
    }
  }
}
