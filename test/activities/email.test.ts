/**
 * sendEmail on real parts: a Temporal worker on the shared dev server, running the real
 * activities through the production `mail` proxy (its timeouts and heartbeat), a real mailer,
 * the MongoDB-wire server, and SMTP listeners that are slow, absent or stalled.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities, type ActivityDeps } from '../../activities';
import { collections } from '../../src/db/mongo';
import { createMailer, SMTP_SOCKET_TIMEOUT_MS } from '../../src/mail/mailer';
import { freePort } from '../../src/stack/ports';
import { eventually } from '../support/eventually';
import { checkoutInput } from '../support/fixtures';
import { freshDb, testServers, type FreshDb } from '../support/servers';
import { startSmtpListener, type SmtpListener } from '../support/smtp-listener';
import { sendOneEmail } from './email-workflow';

const EventType = temporal.api.enums.v1.EventType;
const noop = () => undefined;

let env: TestWorkflowEnvironment;
let bundle: { code: string };
let fresh: FreshDb;
let store: ReturnType<typeof collections>;
const listeners: SmtpListener[] = [];
let seq = 0;

beforeAll(async () => {
  const { temporalAddress, namespace } = testServers();
  const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
  [env, bundle, fresh] = await Promise.all([
    TestWorkflowEnvironment.createFromExistingServer({ address: temporalAddress, namespace }),
    bundleWorkflowCode({ workflowsPath: require.resolve('./email-workflow'), logger }),
    freshDb(),
  ]);
  store = collections(fresh.db);
});

afterAll(async () => {
  await Promise.all(listeners.map((l) => l.stop()));
  await env?.teardown();
  await fresh?.cleanup();
});

async function listen(options: Parameters<typeof startSmtpListener>[0] = {}): Promise<SmtpListener> {
  const listener = await startSmtpListener(options);
  listeners.push(listener);
  return listener;
}

function deps(smtpUrl: string): ActivityDeps {
  return {
    store,
    mailer: createMailer(smtpUrl, 'tickets@checkout-sagas.test'),
    providers: {} as ActivityDeps['providers'],
    publicUrl: 'http://127.0.0.1:3000',
    storefrontUrl: 'http://shop.test',
    log: pino({ level: 'silent' }),
  };
}

/** An order as the checkout records it, and a workflow on `taskQueue` that mails its confirmation. */
async function orderWithMail(activities: ReturnType<typeof createActivities>, name: string, taskQueue: string) {
  const orderId = `${name}-${Date.now().toString(36)}`;
  await activities.recordOrder({ input: checkoutInput(orderId), at: new Date().toISOString() });
  return {
    orderId,
    messageId: `<${orderId}.order_confirmation@checkout-sagas>`,
    record: () => store.emails.findOne({ _id: `${orderId}:order_confirmation` }),
    start: () => env.client.workflow.start(sendOneEmail, { taskQueue, workflowId: `email-${orderId}`, args: [{ orderId, kind: 'order_confirmation' }] }),
  };
}

/** A worker with the real activities, mailing to smtpUrl, for as long as `body` runs. */
async function withWorker<T>(smtpUrl: string, body: (taskQueue: string, activities: ReturnType<typeof createActivities>) => Promise<T>): Promise<T> {
  const activityDeps = deps(smtpUrl);
  const activities = createActivities(activityDeps);
  const taskQueue = `email-${process.pid}-${++seq}`;
  const worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue, workflowBundle: bundle, activities });
  try {
    return await worker.runUntil(body(taskQueue, activities));
  } finally {
    activityDeps.mailer.close();
  }
}

test(
  'an SMTP server that answers DATA only after 65 s gets the mail once, from one attempt',
  async () => {
    const smtp = await listen({ dataReplyDelayMs: 65_000 });
    const started = Date.now();
    const { mail, result, history } = await withWorker(smtp.url, async (taskQueue, activities) => {
      const mail = await orderWithMail(activities, 'slow-data', taskQueue);
      const handle = await mail.start();
      return { mail, result: await handle.result(), history: await handle.fetchHistory() };
    });

    expect(smtp.delivered.map((m) => m.messageId)).toEqual([mail.messageId]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(65_000); // the server really held the reply back
    expect(result).toEqual({ sent: true });
    expect(await mail.record()).toMatchObject({ state: 'sent', attempts: 1, messageId: mail.messageId });

    // The production proxy's options reached the server, and one attempt did the work.
    const events = history.events ?? [];
    const scheduled = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)?.activityTaskScheduledEventAttributes;
    expect(Number(scheduled?.startToCloseTimeout?.seconds)).toBe(120);
    expect(Number(scheduled?.heartbeatTimeout?.seconds)).toBe(20);
    const attempts = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED).map((e) => e.activityTaskStartedEventAttributes?.attempt);
    expect(attempts).toEqual([1]);
  },
  200_000,
);

test('SMTP down for a while, then up on the same port: retried and delivered once', async () => {
  const port = await freePort();
  let smtp: SmtpListener | undefined;
  const { mail, result } = await withWorker(`smtp://127.0.0.1:${port}`, async (taskQueue, activities) => {
    const mail = await orderWithMail(activities, 'smtp-down', taskQueue);
    const handle = await mail.start();
    // Two attempts have failed to connect and a third is due.
    const pending = await eventually(
      async () => (await handle.describe()).raw.pendingActivities?.[0],
      (activity) => (activity?.attempt ?? 0) >= 3,
    );
    expect(pending?.lastFailure?.message).toMatch(/ECONNREFUSED/);
    expect(await mail.record()).toMatchObject({ state: 'sending' });

    smtp = await listen({ port });
    return { mail, result: await handle.result() };
  });

  expect(result).toEqual({ sent: true });
  expect(smtp!.delivered.map((m) => m.messageId)).toEqual([mail.messageId]);
  expect(smtp!.delivered[0].raw).toMatch(/^To: a@example\.com/m);
  const record = await mail.record();
  expect(record).toMatchObject({ state: 'sent' });
  expect(record!.attempts).toBeGreaterThanOrEqual(3);
});

test('cancelling the activity closes its SMTP connection at once, before any timeout', async () => {
  // The server stalls before the message is sent, as a hung MTA would.
  const smtp = await listen({ rcptReplyDelayMs: 10 * 60_000 });
  await withWorker(smtp.url, async (taskQueue, activities) => {
    const mail = await orderWithMail(activities, 'cancelled', taskQueue);
    const handle = await mail.start();
    await eventually(() => mail.record(), (record) => record?.state === 'sending');
    const cancelledAt = Date.now();
    await handle.cancel();
    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    // The cancel reaches the activity with its next heartbeat; it must then drop the connection
    // rather than wait for nodemailer's socket timeout.
    await eventually(async () => smtp.closedSessions, (closed) => closed >= 1, 30_000);
    expect(Date.now() - cancelledAt).toBeLessThan(SMTP_SOCKET_TIMEOUT_MS);
    expect(smtp.delivered).toEqual([]);
  });
}, 60_000);

test('the mailer ends a send at its own deadline, however the server stalls', async () => {
  // The socket timeout only bounds one silence; the send deadline bounds the whole send.
  const smtp = await listen({ rcptReplyDelayMs: 10 * 60_000 });
  const mailer = createMailer(smtp.url, 'tickets@checkout-sagas.test', { sendTimeoutMs: 1_000 });
  try {
    const started = Date.now();
    const sending = mailer.send({ to: 'a@example.com', subject: 'stalled', text: 'x', messageId: '<stalled@checkout-sagas>' });
    await expect(sending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    await eventually(async () => smtp.closedSessions, (closed) => closed >= 1, 5_000);
    expect(smtp.delivered).toEqual([]);
  } finally {
    mailer.close();
  }
});
