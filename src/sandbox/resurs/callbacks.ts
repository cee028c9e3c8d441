import type { Collection, Db } from 'mongodb';
import { CALLBACK_DIGEST_PARAMETERS, callbackDigest, type DigestAlgorithm } from '../../providers/resurs/digest';
import type { ResursCallbackType } from '../../providers/resurs/types';
import { attemptDelivery, deliveryLanes, Pauses, recordDelivery, retryDelay, type AttemptResult } from '../delivery';
import { COLLECTIONS, newToken } from './store';

/**
 * Resurs Bank callbacks as the real service sends them (docs/configuration-service/callbacks/*):
 * - to the URI template registered with registerEventCallback, placeholders `{paymentId}`,
 *   `{result}`, `{param1..5}`, `{digest}` filled in (URL-encoded); without a registration, to
 *   `<callbackBaseUrl>/webhooks/resurs/{TYPE}?paymentId={paymentId}&result={result}&digest={digest}`;
 * - GET, except BOOKED and UPDATE (POST with a JSON body);
 * - BOOKED twice, as a POST and again as a GET, from two user agents. (Resurs' BOOKED page calls
 *   the GET conditional on the POST failing, its overview says callbacks come twice from two user
 *   agents; unconfirmed which holds, so the sandbox sends both, the harder case for a receiver.)
 * - digest: UPPERCASE SHA1 (or the registered algorithm) over the registered digest parameters'
 *   values, then the salt;
 * - delivered when the answer is < 300; redirects are not followed (Resurs: "We do not follow
 *   redirects"), so a 3xx is a failed attempt; retried with backoff. Resurs' own schedule is 20
 *   attempts over ~36 h (0, 30 s, 45 s, 1 min, ... 12 h); the sandbox keeps the count and uses
 *   a faster doubling delay (`baseDelayMs`) so development does not wait hours.
 * Every delivery is a document in `sandbox_resurs_callbacks` with its attempts; deliveries still
 * pending when the process stops are resumed by the next start.
 */

export interface SandboxLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLog: SandboxLog = { info() {}, warn() {}, error() {} };

export interface RegistrationDoc {
  /** The event type. */
  _id: ResursCallbackType;
  uriTemplate: string;
  basicAuthUserName: string | null;
  basicAuthPassword: string | null;
  digestAlgorithm: 'SHA1' | 'MD5';
  digestParameters: string[];
  digestSalt: string;
  registeredAt: Date;
}

export interface CallbackEvent {
  type: ResursCallbackType;
  paymentId: string | null;
  /** AUTOMATIC_FRAUD_CONTROL: FROZEN or THAWED. */
  result?: string;
  /** TEST: param1..param5. */
  params?: Record<string, string>;
  /** POST body (BOOKED, UPDATE). */
  body?: unknown;
}

export interface CallbackDeliveryDoc {
  _id: string;
  /** The same for the POST and GET of one BOOKED event, and for nothing else. */
  event_id: string;
  type: ResursCallbackType;
  payment_id: string | null;
  result: string | null;
  params: Record<string, string>;
  method: 'GET' | 'POST';
  url: string;
  body: string | null;
  user_agent: string;
  basic_auth_user: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  attempt_log: Array<{ at: Date; status: number | null; error: string | null }>;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
}

export interface CallbackRetryOptions {
  /** Attempts in all, first included; default 20 (as Resurs). */
  maxAttempts?: number;
  /** Wait before the 2nd attempt, doubled each time; default 500 ms. */
  baseDelayMs?: number;
  /** Default 60 s. */
  maxDelayMs?: number;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
}

export interface CallbackSenderOptions extends CallbackRetryOptions {
  /** Salt of the default (unregistered) callbacks' SHA1 digest. */
  salt: string;
  /** Base of the default callback URL, e.g. the service's own origin. */
  baseUrl: string;
  log?: SandboxLog;
  now?: () => Date;
}

const USER_AGENTS = { POST: 'ResursBank-Callback/1.0 (sandbox)', GET: 'Java/17 ResursBank-Callback (sandbox)' } as const;

/** What Resurs puts in a BOOKED POST when no fee was added. */
export const BOOKED_BODY = { addedPaymentSpecificationLines: [] };

export class CallbackSender {
  readonly registrations: Collection<RegistrationDoc>;
  readonly deliveries: Collection<CallbackDeliveryDoc>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pauses = new Pauses();
  private readonly lanes = deliveryLanes();
  private closed = false;
  private readonly log: SandboxLog;
  private readonly now: () => Date;

  constructor(db: Db, private readonly options: CallbackSenderOptions) {
    this.registrations = db.collection<RegistrationDoc>(COLLECTIONS.registrations);
    this.deliveries = db.collection<CallbackDeliveryDoc>(COLLECTIONS.callbacks);
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
  }

  async ensureIndexes(): Promise<void> {
    await this.deliveries.createIndex({ created_at: -1 });
    await this.deliveries.createIndex({ payment_id: 1 });
  }

  /** The URI template a callback type goes to when nothing is registered. */
  defaultTemplate(type: ResursCallbackType): string {
    const base = `${this.options.baseUrl.replace(/\/+$/, '')}/webhooks/resurs/${type}`;
    if (type === 'TEST') return `${base}?param1={param1}&param2={param2}&param3={param3}&param4={param4}&param5={param5}&digest={digest}`;
    return `${base}?paymentId={paymentId}&result={result}&digest={digest}`;
  }

  /**
   * Records the event's deliveries (two for BOOKED) and starts them in the background; resolves
   * once they are recorded. Returns the delivery ids.
   */
  async send(event: CallbackEvent): Promise<string[]> {
    const reg = await this.registrations.findOne({ _id: event.type });
    const params: Record<string, string> = { ...(event.params ?? {}) };
    if (event.paymentId !== null) params.paymentId = event.paymentId;
    params.result = event.result ?? '';
    const parameters = reg?.digestParameters.length ? reg.digestParameters : [...CALLBACK_DIGEST_PARAMETERS[event.type]];
    const algorithm = (reg?.digestAlgorithm ?? 'SHA1').toLowerCase() as DigestAlgorithm;
    const digest = callbackDigest(parameters.map((p) => params[p] ?? ''), reg ? reg.digestSalt : this.options.salt, algorithm);
    const url = renderTemplate(reg?.uriTemplate ?? this.defaultTemplate(event.type), { ...params, digest });
    const methods: Array<'GET' | 'POST'> = event.type === 'BOOKED' ? ['POST', 'GET'] : event.type === 'UPDATE' ? ['POST'] : ['GET'];
    const eventId = `evt_${newToken(10)}`;
    const docs = methods.map(
      (method): CallbackDeliveryDoc => ({
        _id: `cb_${newToken(10)}`,
        event_id: eventId,
        type: event.type,
        payment_id: event.paymentId,
        result: event.result ?? null,
        params: event.params ?? {},
        method,
        url,
        body: method === 'POST' ? JSON.stringify(event.body ?? (event.type === 'BOOKED' ? BOOKED_BODY : {})) : null,
        user_agent: USER_AGENTS[method],
        basic_auth_user: reg?.basicAuthUserName ?? null,
        status: 'pending',
        attempts: 0,
        attempt_log: [],
        last_status: null,
        last_error: null,
        created_at: this.now(),
        last_attempt_at: null,
        delivered_at: null,
      }),
    );
    await this.deliveries.insertMany(docs);
    for (const doc of docs) this.start(doc, reg?.basicAuthPassword ?? null);
    return docs.map((d) => d._id);
  }

  /** Picks up deliveries a previous process left pending. */
  async resume(): Promise<void> {
    const pending = await this.deliveries.find({ status: 'pending' }).toArray();
    for (const doc of pending) {
      const reg = doc.basic_auth_user ? await this.registrations.findOne({ _id: doc.type }) : null;
      this.start(doc, reg?.basicAuthPassword ?? null);
    }
  }

  /** Resolves once every delivery started so far (and any started meanwhile) has ended. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops retrying (unfinished deliveries stay `pending`, resumed by the next start) and drains. */
  async close(): Promise<void> {
    this.closed = true;
    this.pauses.wakeAll();
    await this.drain();
  }

  private start(doc: CallbackDeliveryDoc, password: string | null): void {
    const task = this.deliver(doc, password).catch((err: unknown) => {
      this.log.error({ err, callbackId: doc._id }, 'resurs sandbox: callback delivery broke');
    });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async deliver(doc: CallbackDeliveryDoc, password: string | null): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 20;
    for (let attempt = doc.attempts + 1; attempt <= maxAttempts && !this.closed; attempt++) {
      const result = await this.lanes(() => (this.closed ? undefined : this.attempt(doc, password)));
      if (!result) return; // closed while waiting its turn: still `pending`, resumed at the next start
      const { status, error } = result;
      const ok = status !== null && status < 300;
      const last = attempt === maxAttempts;
      const at = this.now();
      await recordDelivery(
        () =>
          this.deliveries.updateOne(
            { _id: doc._id },
            {
              $inc: { attempts: 1 },
              $push: { attempt_log: { at, status, error } },
              $set: {
                last_status: status,
                last_error: error,
                last_attempt_at: at,
                status: ok ? 'delivered' : last ? 'failed' : 'pending',
                ...(ok ? { delivered_at: at } : {}),
              },
            },
          ),
        this.pauses,
        () => this.closed,
      );
      if (ok) {
        this.log.info({ callbackId: doc._id, type: doc.type, method: doc.method, attempt }, 'resurs sandbox: callback delivered');
        return;
      }
      this.log.warn({ callbackId: doc._id, type: doc.type, method: doc.method, attempt, status, error }, 'resurs sandbox: callback attempt failed');
      if (!last) await this.pauses.pause(retryDelay(attempt, this.options.baseDelayMs, this.options.maxDelayMs));
    }
  }

  private attempt(doc: CallbackDeliveryDoc, password: string | null): Promise<AttemptResult> {
    const headers: Record<string, string> = { 'User-Agent': doc.user_agent };
    if (doc.basic_auth_user && password) headers.Authorization = `Basic ${Buffer.from(`${doc.basic_auth_user}:${password}`).toString('base64')}`;
    if (doc.body !== null) headers['Content-Type'] = 'application/json';
    return attemptDelivery(doc.url, { method: doc.method, headers, body: doc.body ?? undefined }, this.options.timeoutMs);
  }
}

/** Fills `{name}` placeholders (URL-encoded); unknown placeholders stay as they are. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? encodeURIComponent(values[name]) : whole,
  );
}
