/**
 * Operators' actions against the real service (embedded-style stack: Temporal dev server,
 * MongoDB-wire server, SMTP listener, KOMOJU sandbox), through the admin API and through the
 * `npm run ops` CLI: each accepted and carried out, each illegal move refused by the checkout's
 * validator with its reason, and every one refused without the operators' token.
 */
import type { Client } from '@temporalio/client';
import { connectTemporal } from '../../src/temporal/client';
import { checkoutWorkflowId } from '../../src/temporal/messages';
import { runOps } from '../../src/ops-cli';
import { ACTION_BODIES } from '../../src/api/admin';
import { testServers } from '../support/servers';
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody, komojuSession, payByCard, takeKonbiniSlip } from '../support/shop';

const ADMIN_TOKEN = 'operators-secret-token';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const by = { operator: 'alice', reason: 'customer called' };
let service: TestService;
let temporal: Client;

beforeAll(async () => {
  service = await startService({ ADMIN_TOKEN });
  temporal = await connectTemporal(testServers().temporalAddress, service.config.temporal.namespace, service.codec);
  await http('POST', `${service.url}/events`, { id: 'gig', title: 'Gig', currency: 'JPY', ticketTypes: [{ id: 'floor', name: 'Floor', price: 4000, capacity: 10 }] }, admin);
});
afterAll(async () => {
  await temporal?.connection.close();
  await service?.stop();
});

/** The CLI as an operator runs it: its exit code and what it printed. */
async function ops(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runOps(argv, { ADMIN_TOKEN, OPS_API_URL: service.url, OPS_OPERATOR: 'alice' }, (line) => lines.push(line));
  return { code, out: lines.join('\n') };
}

const act = (orderId: string, action: string, body: Record<string, unknown>) => http('POST', `${service.url}/admin/checkouts/${orderId}/${action}`, { ...by, ...body }, admin);
const order = async (orderId: string) => (await http('GET', `${service.url}/admin/checkouts/${orderId}`, undefined, admin)).json;
const statusOf = (orderId: string, status: string) => eventually(() => order(orderId), (o) => o?.status === status);
const mailsTo = async (orderId: string) => (await service.smtp.list()).filter((m) => m.to.includes(`${orderId}@example.com`));
const floor = async () => (await http('GET', `${service.url}/events/gig`)).json.ticketTypes[0];

async function open(orderId: string, method: 'credit_card' | 'konbini' = 'credit_card') {
  const opened = await http('POST', `${service.url}/checkouts`, cardBody(orderId, 'gig', 'floor', method));
  expect(opened.status).toBe(201);
  return { redirectUrl: opened.json.redirectUrl as string, sessionId: String(opened.json.redirectUrl).split('/').pop()! };
}

async function paid(orderId: string) {
  const { redirectUrl } = await open(orderId);
  const back = await payByCard(redirectUrl);
  await http('GET', back.headers.get('location')!);
  return statusOf(orderId, 'completed');
}

async function slip(orderId: string) {
  const { redirectUrl, sessionId } = await open(orderId, 'konbini');
  await http('GET', await takeKonbiniSlip(redirectUrl));
  const o = await statusOf(orderId, 'awaiting_payment');
  return { order: o, paymentId: (await komojuSession(service, sessionId)).payment.id as string };
}

test('cancel from the CLI: accepted and recorded with who and why; a second cancel is refused with the reason', async () => {
  await open('op-cancel');
  const done = await ops('cancel', 'op-cancel', '--reason', 'customer called');
  expect(done).toEqual({ code: 0, out: 'cancel op-cancel: cancelled; the seats are released (status cancelled)' });
  const o = await order('op-cancel');
  expect(o.status).toBe('cancelled');
  expect(o.operations).toEqual([expect.objectContaining({ action: 'cancel', operator: 'alice', reason: 'customer called', outcome: 'cancelled; the seats are released' })]);
  expect(o.history.at(-1).reason).toBe('cancelled by alice: customer called');

  const again = await ops('cancel', 'op-cancel', '--reason', 'twice');
  expect(again).toEqual({ code: 1, out: 'ops: 409 action_rejected: the order is already cancelled' });
  expect((await order('op-cancel')).operations).toHaveLength(1);
});

test('refund a paid card order through KOMOJU (a new run under the same id): seats back on sale, customer mailed; refunding again is refused', async () => {
  await paid('op-refund');
  expect(await floor()).toMatchObject({ sold: 1 });
  const handle = temporal.workflow.getHandle(checkoutWorkflowId('op-refund'));
  await eventually(() => handle.describe(), (d) => d.status.name === 'COMPLETED'); // the checkout's own run has ended
  const refunded = await act('op-refund', 'refund', {});
  expect(refunded.status).toBe(200);
  expect(refunded.json).toEqual({ orderId: 'op-refund', action: 'refund', status: 'refunded', outcome: 'refunded through KOMOJU; the seats are back on sale' });
  expect(await floor()).toMatchObject({ sold: 0 });
  await eventually(() => mailsTo('op-refund'), (mails) => mails.length === 2); // confirmation, refund notice

  const run = await eventually(() => handle.describe(), (d) => d.type === 'operateClosedCheckout' && d.status.name === 'COMPLETED');
  expect(await run.staticSummary()).toBe('op-refund · operator: refund');

  const again = await act('op-refund', 'refund', {});
  expect(again.status).toBe(409);
  expect(again.json.error).toEqual({ code: 'action_rejected', message: 'the order is refunded already' });
});

test('konbini: extend the deadline, resend the instructions, and mark paid only once KOMOJU confirms the payment', async () => {
  const { order: o, paymentId } = await slip('op-kon');
  const settleBy = Date.parse(o.payment.pending.settleBy);

  const early = await ops('extend-deadline', 'op-kon', '--until', new Date(settleBy - 60_000).toISOString(), '--reason', 'store asked');
  expect(early).toEqual({ code: 1, out: `ops: 409 action_rejected: the checkout already waits until ${o.payment.pending.settleBy}` });
  const until = new Date(settleBy + 2 * 86_400_000).toISOString();
  const extended = await ops('extend-deadline', 'op-kon', '--until', until, '--reason', 'store asked');
  expect(extended.code).toBe(0);
  expect(extended.out).toMatch(/^extend-deadline op-kon: the checkout now waits until \d+ \w{3} \d\d:\d\d JST \(status awaiting_payment\)$/);
  expect((await order('op-kon')).payment.pending.settleBy).toBe(until);

  expect((await act('op-kon', 'resend-email', { kind: 'order_confirmation' })).json.error.message).toBe('there is no order_confirmation mail to resend for a awaiting_payment order');
  expect((await act('op-kon', 'resend-email', { kind: 'konbini_instructions' })).json.outcome).toBe('mail konbini_instructions sent again');
  const mails = await eventually(() => mailsTo('op-kon'), (list) => list.length === 2);
  expect(mails[0].subject).toBe(mails[1].subject);

  const notYet = await act('op-kon', 'mark-paid', { paymentReference: paymentId });
  expect(notYet.status).toBe(422);
  expect(notYet.json.error).toEqual({ code: 'action_failed', message: `KOMOJU says payment ${paymentId} is pending, not paid` });

  // Paid at the store, but KOMOJU's webhook is lost: the operator sees the money and marks it paid.
  expect((await http('POST', `${service.url}/sandbox/komoju/webhooks/drop-next`, { count: 1 })).status).toBe(200);
  expect((await http('POST', `${service.url}/sandbox/komoju/payments/${paymentId}/pay-at-store`, {})).status).toBe(200);
  const marked = await act('op-kon', 'mark-paid', { paymentReference: paymentId });
  expect(marked.json).toEqual({ orderId: 'op-kon', action: 'markPaid', status: 'completed', outcome: `KOMOJU confirms payment ${paymentId}; the order is completed` });
  expect((await order('op-kon')).operations.map((op: { action: string }) => op.action)).toEqual(['extendDeadline', 'resendEmail', 'markPaid']);
});

test('reconcile: a card payment whose webhook was lost and whose customer never came back completes when asked', async () => {
  const { redirectUrl } = await open('op-rec');
  expect((await http('POST', `${service.url}/sandbox/komoju/webhooks/drop-next`, { count: 1 })).status).toBe(200);
  await payByCard(redirectUrl); // the customer closes the tab: no return, no webhook
  const asked = await ops('reconcile', 'op-rec', '--reason', 'customer says they paid');
  expect(asked).toEqual({ code: 0, out: 'reconcile op-rec: KOMOJU says the payment is captured; the checkout acts on it (status pending)' });
  await statusOf('op-rec', 'completed');
});

test('resolving a refund that is not required, or acting on an unknown order, is refused', async () => {
  await paid('op-misc');
  expect((await act('op-misc', 'resolve-refund', { bankReference: 'MUFG-1' })).json.error).toEqual({ code: 'action_rejected', message: 'only an order that needs a refund can be resolved; this one is completed' });
  expect((await act('op-misc', 'cancel', {})).json.error.message).toBe('the order is paid and completed: refund it instead');
  expect((await act('nope', 'cancel', {})).status).toBe(404);
  const bad = await act('op-misc', 'extend-deadline', { until: 'tomorrow' });
  expect(bad.status).toBe(400);
  expect(bad.json.error.code).toBe('invalid_request');
});

test('every action is refused without the operators\' token, and changes nothing', async () => {
  await open('op-auth');
  for (const action of Object.keys(ACTION_BODIES)) {
    const res = await http('POST', `${service.url}/admin/checkouts/op-auth/${action}`, { ...by, kind: 'order_confirmation', paymentReference: 'x', until: new Date().toISOString() });
    expect({ action, status: res.status }).toEqual({ action, status: 401 });
  }
  expect((await http('GET', `${service.url}/checkouts/op-auth`)).json.status).toBe('pending');
  expect((await ops('list', '--status', 'pending')).out).toContain('op-auth');
  const withoutToken = await runOps(['cancel', 'op-auth', '--reason', 'x'], { OPS_API_URL: service.url, OPS_OPERATOR: 'alice' }, () => undefined);
  expect(withoutToken).toBe(2);
});

test('the CLI explains itself and refuses an incomplete command before calling the service', async () => {
  expect((await ops('--help')).out).toContain('Usage: npm run ops -- <command> [orderId] [options]');
  expect(await ops('refund', 'op-x')).toMatchObject({ code: 2, out: expect.stringContaining('ops: say why: --reason TEXT') });
  expect(await ops('mark-paid', 'op-x', '--reason', 'r')).toMatchObject({ code: 2, out: expect.stringContaining('ops: mark-paid needs --payment-reference') });
  expect(await ops('fly', 'op-x', '--reason', 'r')).toMatchObject({ code: 2, out: expect.stringContaining('ops: unknown command fly') });
});
