import type { Filter, UpdateFilter } from 'mongodb';
import type { Store } from '../src/db/mongo';
import { inventoryId, type InventoryDoc, type SeatHoldDoc, type SeatState } from '../src/db/schema';

/**
 * How an order's seats move (hold, sell, release) without a transaction: the order's seat
 * document (seatHolds) says where the seats are, the ticket type's inventory document keeps
 * only counters, and a change spans both in four single-document steps:
 *
 *   1. begin   the seat doc goes to `holding`/`selling`/`releasing` (the intent);
 *   2. claim   the counters take what the step takes (a hold: `available >= n`), guarded by the
 *              step's marker `<order>:<step><round>` NOT being in `pending`, and push it there
 *              together with `…@<run>` in `pendingRuns` (run: a random id per activity run);
 *   3. commit  the seat doc goes to `held`/`sold`/`released` recording `applied.<step><round>` =
 *              the run whose marker was found in `pending`;
 *   4. settle  that marker is pulled, in the same update as what the step gives (a sale's
 *              revenue, a release's seats): when it counts (its run is `applied`); a marker of
 *              any other run is a duplicate and is pulled with its claim given back.
 *
 * Why each change counts exactly once, whatever crashes or runs twice:
 * - Step 2 can't happen twice at once for one step (the marker guard), and settle is guarded
 *   by the marker's presence and pulls it, so each marker is settled once.
 * - A re-run that finds the intent (state `holding`…) looks for the marker: present → the
 *   claim happened, it commits that run and settles; absent → no claim is pending (a finished
 *   one would have moved the seat doc on before its marker was pulled), so it claims itself.
 * - A duplicate may still claim after the first run settled (it read `holding` before). It
 *   then finds the seat doc committed to another run and gives its claim back; it can't steal
 *   the commit because commit needs the seat doc still at the intent.
 * - What a step gives (seats back, revenue) is added only at settle, by the run that counts,
 *   so a duplicate never shows seats that would have to be taken back (no oversell).
 * - The round in the marker keeps a late payment's second hold apart from the first one.
 * The price: a late duplicate hold takes the seats a second time for the moment until it gives
 * them back, so another order may be told sold out then (never the reverse). Left open: a late
 * duplicate that crashes before giving back leaves its marker and claim; the next run of that
 * order's seats settles it (tidy), but an order never touched again keeps it.
 */

export type Step = 'hold' | 'sell' | 'release';
type Counters = Partial<Record<'available' | 'reserved' | 'sold' | 'revenue', number>>;

export const VIA: Record<Step, SeatState> = { hold: 'holding', sell: 'selling', release: 'releasing' };
export const DONE: Record<Step, SeatState> = { hold: 'held', sell: 'sold', release: 'released' };

/** Taken at claim, guarded: only a hold takes (seats), so only a hold can be refused. */
function takes(step: Step, doc: SeatHoldDoc): Counters {
  return step === 'hold' ? { available: -doc.quantity, reserved: doc.quantity } : {};
}

/** Given at settle, by the run that counts. */
function gives(step: Step, doc: SeatHoldDoc): Counters {
  const n = doc.quantity;
  if (step === 'sell') return { reserved: -n, sold: n, revenue: n * doc.unitPrice };
  if (step === 'release' && doc.releasedFrom === 'sold') return { available: n, sold: -n, revenue: -n * doc.unitPrice };
  if (step === 'release') return { available: n, reserved: -n };
  return {};
}

const negate = (c: Counters): Counters => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, -v]));
const stepKey = (step: Step, round: number) => `${step}${round}`;
const marker = (doc: SeatHoldDoc, step: Step, round = doc.round) => `${doc.orderId}:${stepKey(step, round)}`;

export function createSeatLedger(store: Store) {
  const counterId = (doc: SeatHoldDoc) => inventoryId(doc.eventId, doc.ticketTypeId);
  const reload = async (doc: SeatHoldDoc) => (await store.seatHolds.findOne({ _id: doc._id }))!;

  /** Step 1, from a settled state. Null when another run moved the seat doc first. */
  async function begin(doc: SeatHoldDoc, step: Step, set: Partial<SeatHoldDoc> = {}): Promise<SeatHoldDoc | null> {
    return store.seatHolds.findOneAndUpdate(
      { _id: doc._id, state: doc.state, round: doc.round },
      { $set: { ...set, state: VIA[step], updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
  }

  /** Step 2. False: the step's marker is there already, or (a hold) not enough seats. */
  async function claim(doc: SeatHoldDoc, step: Step, run: string): Promise<boolean> {
    const filter: Filter<InventoryDoc> = { _id: counterId(doc), pending: { $ne: marker(doc, step) } };
    // A hold also checks the keys the code before seatHolds wrote (seats-legacy.ts): those seats are held already.
    if (step === 'hold') Object.assign(filter, { available: { $gte: doc.quantity }, [`holds.${doc.orderId}`]: { $exists: false }, [`sales.${doc.orderId}`]: { $exists: false } });
    const update: UpdateFilter<InventoryDoc> = { $push: { pending: marker(doc, step), pendingRuns: `${marker(doc, step)}@${run}` } };
    const taken = takes(step, doc);
    if (Object.keys(taken).length > 0) update.$inc = taken;
    return (await store.inventory.updateOne(filter, update)).modifiedCount === 1;
  }

  /** The run whose claim of this step is in the counters, if one is. */
  async function claimedBy(doc: SeatHoldDoc, step: Step, round = doc.round): Promise<string | undefined> {
    const counters = await store.inventory.findOne({ _id: counterId(doc) }, { projection: { pendingRuns: 1 } });
    const prefix = `${marker(doc, step, round)}@`;
    return counters?.pendingRuns?.find((m) => m.startsWith(prefix))?.slice(prefix.length);
  }

  /** Step 3: only a run whose claim was seen in the counters may be recorded here. Returns the seat doc after. */
  async function commit(doc: SeatHoldDoc, step: Step, run: string): Promise<SeatHoldDoc> {
    const committed = await store.seatHolds.findOneAndUpdate(
      { _id: doc._id, state: VIA[step], round: doc.round },
      { $set: { state: DONE[step], [`applied.${stepKey(step, doc.round)}`]: run, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
    return committed ?? reload(doc);
  }

  /**
   * Step 4, for the claim `run` made in `round`, read against a seat doc read after it: gives
   * what the step gives if that run counts, gives the claim back if it is a duplicate, and
   * leaves a claim whose intent is still open to whoever commits it.
   */
  async function settle(doc: SeatHoldDoc, step: Step, run: string, round = doc.round): Promise<void> {
    const applied = doc.applied?.[stepKey(step, round)];
    if (applied === undefined && doc.round === round && doc.state === VIA[step]) return;
    const change = applied === run ? gives(step, doc) : negate(takes(step, doc));
    const runMarker = `${marker(doc, step, round)}@${run}`;
    const update: UpdateFilter<InventoryDoc> = { $pull: { pending: marker(doc, step, round), pendingRuns: runMarker } };
    if (Object.keys(change).length > 0) update.$inc = change;
    await store.inventory.updateOne({ _id: counterId(doc), pendingRuns: runMarker }, update);
  }

  /** Commits the given run's claim (if the intent is still open) and settles it. */
  async function conclude(doc: SeatHoldDoc, step: Step, run: string): Promise<SeatHoldDoc> {
    const now = await commit(doc, step, run);
    await settle(now, step, run, doc.round);
    return now;
  }

  /**
   * Steps 2–4 for a seat doc at the step's intent. Returns the seat doc after, or 'no-seats'
   * when a hold found too few seats and no claim of it is pending.
   */
  async function advance(doc: SeatHoldDoc, step: Step, run: string): Promise<SeatHoldDoc | 'no-seats'> {
    if (await claim(doc, step, run)) return conclude(doc, step, run);
    const other = await claimedBy(doc, step);
    if (other !== undefined) return conclude(doc, step, other);
    const now = await reload(doc);
    const untouched = now.state === doc.state && now.round === doc.round;
    return untouched && step === 'hold' ? 'no-seats' : now;
  }

  /**
   * Ends a hold intent without seats. A duplicate may claim meanwhile: if it committed first
   * the hold stands; otherwise its claim is given back here (or by itself).
   */
  async function refuse(doc: SeatHoldDoc): Promise<SeatHoldDoc> {
    await store.seatHolds.updateOne({ _id: doc._id, state: 'holding', round: doc.round }, { $set: { state: 'refused', updatedAt: new Date() } });
    const now = await reload(doc);
    const other = await claimedBy(doc, 'hold');
    if (other !== undefined) await settle(now, 'hold', other, doc.round);
    return now;
  }

  /** A hold intent found by sell or release: finish it if its claim is pending, else refuse it. */
  async function resolveHold(doc: SeatHoldDoc): Promise<SeatHoldDoc> {
    const other = await claimedBy(doc, 'hold');
    return other !== undefined ? conclude(doc, 'hold', other) : refuse(doc);
  }

  /** A re-run finding the step done settles its marker, in case the run that did it crashed first. */
  async function tidy(doc: SeatHoldDoc, step: Step): Promise<void> {
    const run = await claimedBy(doc, step);
    if (run !== undefined) await settle(doc, step, run);
  }

  return { begin, claim, claimedBy, commit, settle, advance, refuse, resolveHold, tidy, reload };
}
export type SeatLedger = ReturnType<typeof createSeatLedger>;
