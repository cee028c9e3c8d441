/**
 * Which keys this process encrypts Temporal payloads with: `PAYLOAD_KEYS`, or — with the
 * embedded Temporal server, where nobody set one — a key made once and kept under `DATA_DIR`,
 * so a restart still reads the histories it wrote.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { EncryptionCodec, formatPayloadKeys, generatePayloadKey, parsePayloadKeys, type PayloadKey } from './codec';

export const LOCAL_KEY_FILE = 'payload-key.json';

export interface PayloadEncryption {
  codec: EncryptionCodec;
  /** Where the keys come from: `PAYLOAD_KEYS`, or the local key file's path. */
  source: string;
}

/**
 * The codec for this configuration. With `PAYLOAD_ENCRYPTION=off` it only decrypts (histories
 * written while it was on), and there is none when no key is known.
 */
export function openPayloadEncryption(config: Config): PayloadEncryption | undefined {
  const { encrypt, keys } = config.payload;
  const options = { encrypt };
  if (keys) return { codec: new EncryptionCodec(keys, options), source: 'PAYLOAD_KEYS' };
  // The local key belongs to the embedded server (TEMPORAL_ADDRESS unset; loadConfig asks others for PAYLOAD_KEYS).
  const file = path.join(config.dataDir, LOCAL_KEY_FILE);
  if (config.temporal.address || (!encrypt && !fs.existsSync(file))) return undefined;
  return { codec: new EncryptionCodec(localPayloadKeys(file), options), source: file };
}

/** Reads the local key file, or writes a new one (owner-only) when there is none. */
export function localPayloadKeys(file: string): PayloadKey[] {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) {
    const fresh = [generatePayloadKey(`local-${randomBytes(4).toString('hex')}`)];
    const draft = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(draft, `${JSON.stringify({ PAYLOAD_KEYS: formatPayloadKeys(fresh) }, null, 2)}\n`, { mode: 0o600 });
    try {
      // A link appears whole or not at all: of two processes starting at once (API and worker), one wins and both read it.
      fs.linkSync(draft, file);
      return fresh;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  let stored: unknown;
  try {
    stored = (JSON.parse(fs.readFileSync(file, 'utf8')) as { PAYLOAD_KEYS?: unknown }).PAYLOAD_KEYS;
  } catch {
    // JSON.parse quotes the text it failed on: never the key material into a log line.
  }
  if (typeof stored !== 'string') throw new Error(`${file} holds no payload key; restore it, or set PAYLOAD_KEYS`);
  try {
    return parsePayloadKeys(stored);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}; restore it, or set PAYLOAD_KEYS`);
  }
}
