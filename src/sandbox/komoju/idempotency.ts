import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo';
import { COLLECTIONS } from './store';

/**
 * KOMOJU's `X-KOMOJU-IDEMPOTENCY` (POST only, ≤ 100 ASCII characters, kept 24 h):
 * - same key, same request (method, path and body)  → the original status and body, replayed;
 * - same key while the first request is still running → 409 `conflict`;
 * - same key, different request → 422 `unprocessable_entity`, param `X-KOMOJU-IDEMPOTENCY`.
 *   KOMOJU documents only "send the same body"; 422 is the sandbox's choice (Stripe-like), so a
 *   client must treat a key as bound to one request.
 * Responses of 5xx or 409 (or a crash) are not stored: the key is released and a retry runs afresh.
 * One document per key; every step is a single-document atomic write.
 */

export interface StoredResponse {
  status: number;
  body: unknown;
}

interface IdempotencyDoc {
  _id: string;
  fingerprint: string;
  state: 'in_flight' | 'done';
  status?: number;
  /** JSON text: metadata keys may hold characters a document field name may not. */
  response?: string;
  created_at: Date;
  updated_at: Date;
}

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** An `in_flight` key older than this belongs to a request that died: a retry may take it over. */
const IN_FLIGHT_LEASE_MS = 60_000;

export type IdempotencyOutcome =
  | { kind: 'run'; finish(result: StoredResponse): Promise<void>; abandon(): Promise<void> }
  | { kind: 'replay'; result: StoredResponse }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' };

export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
}

/** JSON with object keys sorted, so the same body in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function validIdempotencyKey(key: string): boolean {
  return key.length >= 1 && key.length <= 100 && /^[\x20-\x7e]+$/.test(key);
}

export class IdempotencyStore {
  private readonly keys: Collection<IdempotencyDoc>;

  constructor(db: Db, private readonly now: () => Date) {
    this.keys = db.collection<IdempotencyDoc>(COLLECTIONS.idempotency);
  }

  /**
   * Housekeeping only: begin() treats keys older than 24 h as free either way. Where the server
   * has no TTL indexes (FerretDB 1.x), begin() sweeps expired keys itself, at most hourly.
   */
  async ensureIndexes(): Promise<void> {
    try {
      await this.keys.createIndex({ created_at: 1 }, { expireAfterSeconds: IDEMPOTENCY_TTL_MS / 1000 });
    } catch {
      this.lastSweep = 0;
      await this.keys.createIndex({ created_at: 1 });
    }
  }

  /** null: a TTL index does the sweeping. */
  private lastSweep: number | null = null;

  private sweep(now: Date): void {
    if (this.lastSweep === null || now.getTime() - this.lastSweep < 3_600_000) return;
    this.lastSweep = now.getTime();
    this.keys.deleteMany({ created_at: { $lt: new Date(now.getTime() - IDEMPOTENCY_TTL_MS) } }).catch(() => undefined);
  }

  async begin(key: string, print: string): Promise<IdempotencyOutcome> {
    this.sweep(this.now());
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.now();
      const fresh: IdempotencyDoc = { _id: key, fingerprint: print, state: 'in_flight', created_at: now, updated_at: now };
      try {
        await this.keys.insertOne(fresh);
        return this.owned(key, now);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const doc = await this.keys.findOne({ _id: key });
      if (!doc) continue; // expired between the two calls
      if (now.getTime() - doc.created_at.getTime() >= IDEMPOTENCY_TTL_MS) {
        const replaced = await this.keys.findOneAndReplace({ _id: key, updated_at: doc.updated_at }, fresh);
        if (replaced) return this.owned(key, now);
        continue;
      }
      if (doc.fingerprint !== print) return { kind: 'mismatch' };
      if (doc.state === 'done') {
        return { kind: 'replay', result: { status: doc.status ?? 200, body: JSON.parse(doc.response ?? 'null') } };
      }
      if (now.getTime() - doc.updated_at.getTime() < IN_FLIGHT_LEASE_MS) return { kind: 'in_flight' };
      const taken = await this.keys.findOneAndUpdate(
        { _id: key, state: 'in_flight', updated_at: doc.updated_at },
        { $set: { updated_at: now } },
      );
      if (taken) return this.owned(key, now);
    }
    return { kind: 'in_flight' };
  }

  private owned(key: string, since: Date): IdempotencyOutcome {
    return {
      kind: 'run',
      finish: async (result) => {
        if (result.status >= 500 || result.status === 409) {
          await this.keys.deleteOne({ _id: key, state: 'in_flight', updated_at: since });
          return;
        }
        await this.keys.updateOne(
          { _id: key, state: 'in_flight', updated_at: since },
          { $set: { state: 'done', status: result.status, response: JSON.stringify(result.body), updated_at: this.now() } },
        );
      },
      abandon: async () => {
        await this.keys.deleteOne({ _id: key, state: 'in_flight', updated_at: since });
      },
    };
  }
}
