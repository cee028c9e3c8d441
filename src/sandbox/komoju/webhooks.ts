import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo';
import { signKomoju } from '../../providers/komoju/signature';
import type { KomojuEvent, KomojuEventType, KomojuPayment } from '../../providers/komoju/types';
import { attemptDelivery, deliveryLanes, Pauses, recordDelivery, retryDelay, type AttemptResult } from '../delivery';
import { COLLECTIONS, newId } from './store';

export interface SandboxLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLog: SandboxLog = { info() {}, warn() {}, error() {} };

export interface WebhookDeliveryDoc {
  /** Event id, also the delivery id sent as `X-Komoju-ID`. */
  _id: string;
  type: KomojuEventType;
  url: string;
  payment_id: string | null;
  /** The exact bytes sent (and signed) on every attempt. */
  body: string;
  /** `dropped`: lost on purpose (the SANDBOX console's "lose the next webhook"). */
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
}

export interface WebhookSenderOptions {
  url: string;
  secret: string;
  log?: SandboxLog;
  /** Attempts in all, first included; default 10. */
  maxAttempts?: number;
  /** Wait before the 2nd attempt, doubled each time (0.5 s, 1 s, 2 s, …); default 500 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt timeout; default 10 s. */
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * Delivers signed KOMOJU webhooks in the background, at least once, retrying with backoff, and
 * records each delivery. The HTTP request that caused an event never waits for it.
 */
export class WebhookSender {
  readonly deliveries: Collection<WebhookDeliveryDoc>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pauses = new Pauses();
  private readonly lanes = deliveryLanes();
  private closed = false;
  /** How many of the next events are lost on the way (recorded as `dropped`, never sent). */
  private toDrop = 0;
  private readonly log: SandboxLog;
  private readonly now: () => Date;

  constructor(db: Db, private readonly options: WebhookSenderOptions) {
    this.deliveries = db.collection<WebhookDeliveryDoc>(COLLECTIONS.webhooks);
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<void> {
    await this.deliveries.createIndex({ created_at: -1 });
    await this.deliveries.createIndex({ payment_id: 1 });
  }

  /**
   * Records the event, then delivers it in the background; returns its id. Recorded before the
   * caller answers, as KOMOJU records an event with the change it reports: a sandbox killed right
   * after a payment still delivers its webhook after the restart (see `resume`). With a given
   * `id`, an event already recorded under it is neither recorded nor sent again.
   */
  async send(type: KomojuEventType, payment: KomojuPayment | null, { id = `evt_${newId()}` }: { id?: string } = {}): Promise<string> {
    const event: KomojuEvent<KomojuPayment | Record<string, never>> = {
      id,
      type,
      resource: 'event',
      created_at: this.now().toISOString(),
      reason: null,
      data: payment ?? {},
    };
    const doc: WebhookDeliveryDoc = {
      _id: id,
      type,
      url: this.options.url,
      payment_id: payment?.id ?? null,
      body: JSON.stringify(event),
      status: 'pending',
      attempts: 0,
      last_status: null,
      last_error: null,
      created_at: this.now(),
      last_attempt_at: null,
      delivered_at: null,
    };
    if (this.toDrop > 0) {
      this.toDrop--;
      await this.deliveries.insertOne({ ...doc, status: 'dropped' });
      this.log.info({ eventId: doc._id, type: doc.type }, 'komoju sandbox: webhook dropped on purpose');
      return id;
    }
    try {
      await this.deliveries.insertOne(doc);
    } catch (err) {
      if (isDuplicateKey(err)) return id; // recorded before
      throw err;
    }
    this.start(doc);
    return id;
  }

  /**
   * Picks up deliveries a previous process left pending: KOMOJU keeps retrying while the shop
   * restarts, so a sandbox killed mid-retry (it runs in the API's process) must too.
   */
  async resume(): Promise<void> {
    const pending = await this.deliveries.find({ status: 'pending' }).toArray();
    for (const doc of pending) this.start(doc);
  }

  private start(doc: WebhookDeliveryDoc): void {
    const task = this.deliver(doc).catch((err: unknown) => {
      this.log.error({ err, eventId: doc._id }, 'komoju sandbox: webhook delivery broke');
    });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  /** Loses the next `count` events, as a real network sometimes does: for rehearsing "the webhook never came". */
  dropNext(count: number): void {
    this.toDrop = count;
  }

  /** Resolves once every delivery started so far (and any started meanwhile) has ended. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops retrying (deliveries not yet through stay `pending` in the collection) and drains. */
  async close(): Promise<void> {
    this.closed = true;
    this.pauses.wakeAll();
    await this.drain();
  }

  private async deliver(doc: WebhookDeliveryDoc): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 10;
    const signature = signKomoju(doc.body, this.options.secret);
    for (let attempt = doc.attempts + 1; attempt <= maxAttempts && !this.closed; attempt++) {
      const result = await this.lanes(() => (this.closed ? undefined : this.attempt(doc, signature)));
      if (!result) return; // closed while waiting its turn: still `pending`, resumed at the next start
      const { status, error } = result;
      const ok = status !== null && status >= 200 && status < 300;
      const last = attempt === maxAttempts;
      await recordDelivery(
        () =>
          this.deliveries.updateOne(
            { _id: doc._id },
            {
              $inc: { attempts: 1 },
              $set: {
                last_status: status,
                last_error: error,
                last_attempt_at: this.now(),
                status: ok ? 'delivered' : last ? 'failed' : 'pending',
                ...(ok ? { delivered_at: this.now() } : {}),
              },
            },
          ),
        this.pauses,
        () => this.closed,
      );
      if (ok) {
        this.log.info({ eventId: doc._id, type: doc.type, attempt }, 'komoju sandbox: webhook delivered');
        return;
      }
      this.log.warn({ eventId: doc._id, type: doc.type, attempt, status, error }, 'komoju sandbox: webhook attempt failed');
      if (!last) await this.pauses.pause(retryDelay(attempt, this.options.baseDelayMs, this.options.maxDelayMs));
    }
  }

  private attempt(doc: WebhookDeliveryDoc, signature: string): Promise<AttemptResult> {
    const headers = {
      'Content-Type': 'application/json',
      'X-Komoju-Signature': signature,
      'X-Komoju-ID': doc._id,
      'X-Komoju-Event': doc.type,
      'User-Agent': 'Komoju-Webhook',
    };
    return attemptDelivery(doc.url, { method: 'POST', headers, body: doc.body }, this.options.timeoutMs);
  }
}
