/**
 * Provider events and verified customer returns are written here before anyone acts on them,
 * so a webhook is acknowledged only once it cannot be lost. The relay delivers them to their
 * checkout afterwards: one pass at a time per process, oldest first, each record claimed with an
 * atomic update before it is signalled, so several API processes never signal one twice.
 */
import { randomUUID } from 'node:crypto';
import type { Filter } from 'mongodb';
import pLimit from 'p-limit';
import type { Logger } from 'pino';
import { isDuplicateKey, type Store } from '../db/mongo';
import type { InboxDoc } from '../db/schema';
import type { Checkouts } from '../temporal/client';
import { checkoutWorkflowId } from '../temporal/messages';

export type NewEvent = Omit<InboxDoc, 'receivedAt' | 'dueAt' | 'attempts'>;

/** A claim older than this is taken to be from a relay that died mid-delivery. */
const CLAIM_LEASE_MS = 60_000;
/** A refused event is offered again this many times (REFUSED_RETRY_MS apart), then left to operators. */
const MAX_ATTEMPTS = 6;
const PASS_LIMIT = 500;
/** Due events a pass reads at once (a plain read, beside the writes), then claims one by one. */
const PASS_BATCH = 100;
/**
 * New events delivered at once by one process. During a sale's burst the providers' answers go
 * first: each woken checkout takes the cores and the database the next answer needs.
 */
const DELIVERIES_AT_ONCE = 8;
/** The longest a new event's delivery gives way to webhook answers still being written. */
const ANSWERS_FIRST_MS = 1000;

export class EventInbox {
  private readonly relayId = randomUUID();
  private running: Promise<void> | undefined;
  private readonly delivering = new Set<Promise<void>>();
  private again = false;
  /** A queued event stays `recorded` until its turn: a crash loses nothing. */
  private readonly inTurn = pLimit(DELIVERIES_AT_ONCE);
  private answering = 0;
  private readonly afterAnswers = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly checkouts: Checkouts,
    private readonly log: Logger,
    private readonly answersFirstMs = ANSWERS_FIRST_MS,
  ) {}

  /** A webhook is being answered: new events wait until none is (at most answersFirstMs). Returns the answer's end. */
  answer(): () => void {
    this.answering++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.answering > 0) return;
      for (const go of [...this.afterAnswers]) go();
    };
  }

  private answersFirst(): Promise<void> {
    if (this.answering === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const go = () => {
        clearTimeout(timer);
        this.afterAnswers.delete(go);
        resolve();
      };
      const timer = setTimeout(go, this.answersFirstMs);
      this.afterAnswers.add(go);
    });
  }

  /** False when this event was recorded before (a duplicate delivery). */
  async record(event: NewEvent): Promise<boolean> {
    const now = new Date();
    try {
      await this.store.inbox.insertOne({ ...event, receivedAt: now, dueAt: now, attempts: 0 });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * With an id: delivers that just-recorded event now, found by its id (a pass would scan the
   * inbox, which grows with every event). Without: asks for a relay pass over whatever is due;
   * asks that come while one runs make it go round once more.
   */
  kick(id?: string): Promise<void> {
    if (id !== undefined) return this.deliverNow(id);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.relay().catch((err) => this.log.warn({ err }, 'inbox relay pass failed; the next pass retries'));
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private deliverNow(id: string): Promise<void> {
    const task = this.answersFirst().then(() => this.inTurn(async () => {
      const doc = await this.claim(id, { state: 'recorded' });
      if (doc) await this.deliver(doc);
    })).catch((err) => this.log.warn({ err, eventId: id }, 'inbox: a new event could not be delivered yet; the next pass retries'));
    this.delivering.add(task);
    void task.finally(() => this.delivering.delete(task));
    return task;
  }

  /** Resolves once no relay pass or delivery is running (before the process lets go of its database). */
  async idle(): Promise<void> {
    await this.running;
    await Promise.allSettled([...this.delivering]);
  }

  /** Events not yet delivered to their checkout (for metrics and readiness). */
  backlog(): Promise<number> {
    return this.store.inbox.countDocuments({ state: { $in: ['recorded', 'delivering'] } });
  }

  /**
   * One pass: delivers what is due, oldest first; stops early when Temporal cannot be reached.
   * It reads a batch of due ids, then claims each by its id. A claim with the due filter itself
   * (a sorted findOneAndUpdate) made FerretDB scan and sort the whole inbox inside the claim's
   * write, holding up every other write, webhook answers too, while thousands were due.
   */
  private async relay(): Promise<void> {
    let claimed = 0;
    while (claimed < PASS_LIMIT) {
      const due = await this.store.inbox.find(dueNow(), { sort: { receivedAt: 1 }, limit: PASS_BATCH, projection: { _id: 1 } }).toArray();
      if (due.length === 0) return;
      for (const { _id } of due) {
        const doc = await this.claim(_id, dueNow());
        if (!doc) continue; // another process took it meanwhile
        claimed++;
        if (!(await this.deliver(doc))) return;
      }
    }
    this.again = true;
  }

  /** Claims one event by its id, if it is still as `when` says (recorded, or due). */
  private claim(id: string, when: Filter<InboxDoc>): Promise<InboxDoc | null> {
    return this.store.inbox.findOneAndUpdate(
      { ...when, _id: id },
      { $set: { state: 'delivering', claimedBy: this.relayId, dueAt: new Date() }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    );
  }

  private async deliver(doc: InboxDoc): Promise<boolean> {
    const mine = { _id: doc._id, state: 'delivering' as const, claimedBy: this.relayId };
    if (!doc.orderId || !doc.signal) {
      await this.store.inbox.updateOne(mine, { $set: { state: 'ignored' }, $unset: { claimedBy: '' } });
      return true;
    }
    const log = this.log.child(correlation(doc, doc.orderId));
    // A capture for an order already paid (a late or repeated FINALIZATION, a second capture event)
    // has nothing to settle: signalled to a closed checkout it would start a settlement run for nothing.
    if (doc.signal === 'captured' && (await this.store.orders.findOne({ _id: doc.orderId, status: { $in: ['completed', 'refunded', 'refund_required'] } }, { projection: { _id: 1 } }))) {
      await this.store.inbox.updateOne(mine, { $set: { state: 'unroutable', note: 'order already paid' }, $unset: { claimedBy: '' } });
      log.info({ signal: doc.signal }, 'capture arrived after its order was paid');
      return true;
    }
    try {
      const delivered = await this.checkouts.notify(doc.orderId, doc.signal, { eventId: doc._id, source: doc.source, ...(doc.paymentId ? { paymentId: doc.paymentId } : {}) });
      // The checkout may already have marked it (mismatched, refused): then the claim is gone.
      await this.store.inbox.updateOne(mine, {
        $set: delivered ? { state: 'signalled' } : { state: 'unroutable', note: 'checkout already closed' },
        $unset: { claimedBy: '' },
      });
      log.info({ signal: doc.signal, delivered }, delivered ? 'event signalled to its checkout' : 'event arrived after its checkout closed');
      return true;
    } catch (err) {
      log.warn({ err }, 'event recorded but not yet signalled; the relay will retry');
      const backoff = Math.min(60_000, 1000 * 2 ** Math.min(6, doc.attempts ?? 1));
      await this.store.inbox.updateOne(mine, {
        $set: { state: 'recorded', dueAt: new Date(Date.now() + backoff), note: `not yet signalled: ${(err as Error).message ?? String(err)}` },
        $unset: { claimedBy: '' },
      });
      return false;
    }
  }
}

/** What ties a relay log line to its order, its workflow and the provider's own event. */
function correlation(doc: InboxDoc, orderId: string) {
  // A webhook's record is `${provider}:${the provider's event id}`; other sources have no provider event.
  const providerEventId = doc.source === 'webhook' ? doc._id.slice(doc.provider.length + 1) : undefined;
  return { eventId: doc._id, orderId, workflowId: checkoutWorkflowId(orderId), ...(providerEventId ? { providerEventId } : {}) };
}

/** What a relay pass may claim now: new, refused and due again, or claimed by a relay that died. */
function dueNow(): Filter<InboxDoc> {
  const now = new Date();
  return {
    state: { $in: ['recorded', 'refused', 'delivering'] }, // the same; lets the embedded database use its state index
    $or: [
      { state: 'recorded', dueAt: { $lte: now } },
      { state: 'refused', dueAt: { $lte: now }, attempts: { $lt: MAX_ATTEMPTS } },
      { state: 'delivering', dueAt: { $lte: new Date(now.getTime() - CLAIM_LEASE_MS) } },
    ],
  };
}
