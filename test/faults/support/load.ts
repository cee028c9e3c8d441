/**
 * A mixed load of checkouts driven over HTTP as customers, the shop and the providers' sandboxes
 * do it, and what each one must end as: its status, its mails (by kind) and whether it sold a seat.
 */
import fs from 'node:fs';
import { Connection } from '@temporalio/client';
import { RESURS_TEST_PERSONS } from '../../../src/sandbox/resurs';
import { eventually } from '../../support/eventually';
import { http } from '../../support/service';
import { answerResursSigning, cardBody, payByCard, resursBody } from '../../support/shop';

export type Kind = 'card' | 'konbini-paid' | 'konbini-expired' | 'resurs-signed' | 'resurs-review';
export type MailKind = 'tickets' | 'konbini' | 'review' | 'expired' | 'cancelled';

/** What each kind of checkout must end as, whatever was killed or stopped meanwhile. */
export const EXPECTED: Record<Kind, { status: string; mails: MailKind[]; sells: boolean; optional?: MailKind }> = {
  card: { status: 'completed', mails: ['tickets'], sells: true },
  // Paid at once (as here): the checkout may first see the slip already paid; no instructions owed.
  'konbini-paid': { status: 'completed', mails: ['konbini', 'tickets'], sells: true, optional: 'konbini' },
  // The instructions mail goes out when the checkout sees the slip pending; with no worker
  // running from the slip to its deadline it learns of the slip only as expired (no mail owed).
  'konbini-expired': { status: 'expired', mails: ['expired', 'konbini'], sells: false, optional: 'konbini' },
  'resurs-signed': { status: 'completed', mails: ['tickets'], sells: true },
  'resurs-review': { status: 'completed', mails: ['review', 'tickets'], sells: true },
};

export const PRICE = 1000;
export const EVENT = { id: 'faults', title: 'Fault Lines', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: PRICE, capacity: 200 }] };

/** The kind of a mail, from its (English) subject. */
export function mailKind(subject: string): MailKind | 'other' {
  if (/tickets/i.test(subject)) return 'tickets';
  if (/convenience store/i.test(subject)) return 'konbini';
  if (/being reviewed/i.test(subject)) return 'review';
  if (/deadline passed/i.test(subject)) return 'expired';
  if (/cancelled/i.test(subject)) return 'cancelled';
  return 'other';
}

/** `count` kinds in a fixed mix (every kind at least once), shuffled. */
export function mix(count: number): Kind[] {
  const shares: Array<[Kind, number]> = [['card', 0.28], ['konbini-paid', 0.16], ['konbini-expired', 0.16], ['resurs-signed', 0.2], ['resurs-review', 0.2]];
  const kinds: Kind[] = [];
  for (const [kind, share] of shares) for (let i = 0; i < Math.max(1, Math.round(count * share)); i++) kinds.push(kind);
  while (kinds.length > count) kinds.splice(kinds.indexOf('card'), 1);
  while (kinds.length < count) kinds.push('card');
  return kinds.sort(() => Math.random() - 0.5);
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/**
 * One request, repeated while the answer is a 5xx or no answer (the service is briefly down in
 * some scenarios; a customer or provider tries again). Records every 5xx status seen.
 */
export async function persist<T>(what: string, request: () => Promise<T>, status: (r: T) => number, seen: Answer[] = []): Promise<T> {
  const until = Date.now() + 180_000;
  for (;;) {
    let last: string;
    try {
      const res = await request();
      const code = status(res);
      if (code < 500) return res;
      seen.push({ status: code, what });
      last = `status ${code}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > until) throw new Error(`${what}: still failing after 180 s (${last})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Answer {
  status: number;
  /** The request, with the URL's path. */
  what: string;
}

export class Load {
  /** 5xx answers during the run (from the service: a 503 in an outage is right; a 500 is not). */
  readonly errors: Answer[] = [];

  /**
   * The service's own 5xx answers other than 503. The sandboxes' pages and API stand for the
   * providers (a provider's own failure may be a 500); here they share the shop's database,
   * which a real provider does not, so an outage of it shows on their pages too.
   */
  /** E.g. { '503 service': 4, '500 sandbox': 3 }. */
  errorTally(): Record<string, number> {
    return this.errors.reduce<Record<string, number>>((n, e) => {
      const key = `${e.status} ${e.what.includes('/sandbox/') ? 'sandbox' : 'service'}`;
      return { ...n, [key]: (n[key] ?? 0) + 1 };
    }, {});
  }

  serviceErrors(): Answer[] {
    return this.errors.filter((e) => e.status !== 503 && !e.what.includes('/sandbox/'));
  }
  readonly orders = new Map<string, Kind>();

  constructor(readonly url: string) {}

  private call(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    return persist(`${method} ${path}`, () => http(method, `${this.url}${path}`, body, headers), (r) => r.status, this.errors);
  }

  private fetch(what: string, url: string, init: RequestInit) {
    return persist(`${what} ${new URL(url).pathname}`, () => fetch(url, init), (r) => r.status, this.errors);
  }

  async createEvent(): Promise<void> {
    const res = await this.call('POST', '/events', EVENT);
    if (res.status !== 201) throw new Error(`creating the event: ${res.status} ${res.text}`);
  }

  status(orderId: string): Promise<string | undefined> {
    return this.call('GET', `/checkouts/${orderId}`).then((r) => r.json?.status);
  }

  private async open(orderId: string, body: unknown) {
    const res = await this.call('POST', '/checkouts', body);
    // 200: the same request again, answered as the first (after a 503 the customer's retry).
    if (res.status !== 201 && res.status !== 200) throw new Error(`${orderId}: POST /checkouts answered ${res.status} ${res.text}`);
    return res.json as { redirectUrl?: string; nextAction: unknown };
  }

  private awaitStatus(orderId: string, wanted: string) {
    return eventually(() => this.status(orderId), (s) => s === wanted, 240_000);
  }

  /** Everything the customer (and the provider's operator) does for one checkout of `kind`. */
  async drive(orderId: string, kind: Kind): Promise<void> {
    this.orders.set(orderId, kind);
    const { SIGNING, FROZEN } = RESURS_TEST_PERSONS;
    if (kind === 'card') {
      const opened = await this.open(orderId, cardBody(orderId, EVENT.id, 'seat'));
      const paid = await this.fetch(`${orderId} pay`, `${opened.redirectUrl}/pay`, form({ number: '4111111111111111', name: 'YUI', expiry: '12/30', cvc: '123' }));
      const back = paid.headers.get('location');
      if (back) await this.fetch(`${orderId} return`, back, { redirect: 'manual' });
    } else if (kind === 'konbini-paid' || kind === 'konbini-expired') {
      const opened = await this.open(orderId, cardBody(orderId, EVENT.id, 'seat', 'konbini'));
      const deadline: Record<string, string> = kind === 'konbini-expired' ? { deadline_seconds: '8' } : {};
      await this.fetch(`${orderId} slip`, `${opened.redirectUrl}/konbini`, form({ store: 'lawson', ...deadline }));
      if (kind === 'konbini-paid') {
        const sessionId = opened.redirectUrl!.split('/').pop();
        const auth = { authorization: `Basic ${Buffer.from('sk_test_sandbox:').toString('base64')}` };
        const session = await eventually(() => this.call('GET', `/sandbox/komoju/api/v1/sessions/${sessionId}`, undefined, auth), (r) => Boolean(r.json?.payment?.id), 120_000);
        await this.call('POST', `/sandbox/komoju/payments/${session.json.payment.id}/pay-at-store`, {});
      }
    } else if (kind === 'resurs-signed') {
      const opened = await this.open(orderId, resursBody(orderId, EVENT.id, 'seat', SIGNING.governmentId));
      const landing = await persist(`${orderId} sign ${new URL(opened.redirectUrl!).pathname}`, () => answerResursSigning(opened.redirectUrl!, 'sign'), (l) => (l ? 200 : 503), this.errors);
      await this.fetch(`${orderId} landing`, landing, { redirect: 'manual' });
    } else {
      await this.open(orderId, resursBody(orderId, EVENT.id, 'seat', FROZEN.governmentId));
      await this.awaitStatus(orderId, 'awaiting_payment');
      await this.call('POST', `/sandbox/resurs/payments/${orderId}/thaw`, {}, { accept: 'application/json' });
    }
  }

  /** Drives `kinds` with at most `parallel` customers at a time; order ids `<prefix>-<n>`. */
  async run(prefix: string, kinds: Kind[], parallel = 8): Promise<void> {
    let next = 0;
    const customer = async () => {
      while (next < kinds.length) {
        const n = next++;
        await this.drive(`${prefix}-${n + 1}`, kinds[n]);
      }
    };
    await Promise.all(Array.from({ length: parallel }, customer));
  }
}

/** Resolves once none of the orders' workflows is running any more (their mails all sent). */
export async function allWorkflowsClosed(temporalAddress: string, orderIds: string[]): Promise<void> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const running = async () => {
      const open: string[] = [];
      for (const id of orderIds) {
        const res = await connection.workflowService
          .describeWorkflowExecution({ namespace: 'default', execution: { workflowId: `checkout-${id}` } })
          .catch(() => undefined);
        // 1 = RUNNING; an unreachable server counts as not known yet.
        if (!res || res.workflowExecutionInfo?.status === 1) open.push(id);
      }
      return open;
    };
    await eventually(running, (open) => open.length === 0, 300_000);
  } finally {
    await connection.close();
  }
}

const messageIdOf = (file: string) => /^message-id:\s*(\S+)/im.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? file;

/**
 * Every order's end against EXPECTED: statuses, mails per (order, kind), seats and sales. A mail
 * is counted once per Message-ID: a worker killed after the SMTP server took a mail but before
 * it was recorded as sent resends it with the same Message-ID (activities/email.ts: resent
 * rather than lost), which mail systems take as the same message. `resentCopies` counts those.
 */
export async function verdict(load: Load, captured: Array<{ to: string[]; subject: string; file: string }>) {
  const byId = new Map<string, { to: string[]; subject: string }>();
  for (const m of captured) byId.set(messageIdOf(m.file), m);
  const mails = [...byId.values()];
  const resentCopies = captured.length - mails.length;
  const statuses: Record<string, string | undefined> = {};
  const wantedStatuses: Record<string, string> = {};
  const gotMails: Record<string, string[]> = {};
  const wantedMails: Record<string, string[]> = {};
  let sold = 0;
  let optionalSkipped = 0;
  for (const [orderId, kind] of load.orders) {
    statuses[orderId] = await load.status(orderId);
    wantedStatuses[orderId] = EXPECTED[kind].status;
    gotMails[orderId] = mails.filter((m) => m.to.includes(`${orderId}@example.com`)).map((m) => mailKind(m.subject)).sort();
    const { mails: wanted, optional } = EXPECTED[kind];
    const skipped = optional && !gotMails[orderId].includes(optional);
    if (skipped) optionalSkipped++;
    wantedMails[orderId] = wanted.filter((m) => !(skipped && m === optional)).sort();
    if (EXPECTED[kind].sells) sold++;
  }
  const event = (await http('GET', `${load.url}/events/${EVENT.id}`)).json;
  return { statuses, wantedStatuses, gotMails, wantedMails, sold, event, optionalSkipped, resentCopies };
}

/**
 * No provider event lost: every webhook the KOMOJU sandbox sent ended delivered and is in the
 * inbox once (its id is the inbox key), and nothing in the inbox is left undelivered to its checkout.
 */
export async function inboxAudit(url: string, mongoUri: string, dbName: string) {
  const { MongoClient } = await import('mongodb');
  const sent = (await http('GET', `${url}/sandbox/komoju/webhooks?limit=500`)).json.data as Array<{ id: string; status: string }>;
  const client = await new MongoClient(mongoUri).connect();
  try {
    const inbox = client.db(dbName).collection<{ _id: string; state: string }>('webhook_inbox');
    const docs = await inbox.find({}, { projection: { _id: 1, state: 1 } }).toArray();
    const ids = new Set(docs.map((d) => d._id));
    return {
      webhooksSent: sent.length,
      undelivered: sent.filter((d) => d.status !== 'delivered').map((d) => `${d.id} ${d.status}`),
      missingFromInbox: sent.filter((d) => d.status === 'delivered' && !ids.has(`komoju:${d.id}`)).map((d) => d.id),
      stuckInInbox: docs.filter((d) => d.state === 'recorded' || d.state === 'delivering').map((d) => `${d._id} ${d.state}`),
      inboxStates: docs.reduce<Record<string, number>>((n, d) => ({ ...n, [d.state]: (n[d.state] ?? 0) + 1 }), {}),
    };
  } finally {
    await client.close();
  }
}
