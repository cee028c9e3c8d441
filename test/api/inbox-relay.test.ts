/**
 * The webhook answer follows the durable write, never the signal: with Temporal unreachable the
 * provider still gets its 200, and the relay delivers the event once Temporal is back. Several
 * API processes relaying the same inbox signal each event once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { EventInbox } from '../../src/api/inbox';
import { collections, connectMongo } from '../../src/db/mongo';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/stack/temporal';
import { freePort } from '../../src/stack/ports';
import { checkoutWorkflowId } from '../../src/temporal/messages';
import { Checkouts, connectTemporal } from '../../src/temporal/client';
import { testServers } from '../support/servers';
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody, deliverKomojuEvent, komojuSession, payByCard } from '../support/shop';

const quiet = pino({ level: 'silent' });

describe('with Temporal unreachable', () => {
  let dataDir: string;
  let port: number;
  let temporal: TemporalDevServer;
  let service: TestService;
  const startTemporal = () => startTemporalDevServer({ namespace: 'default', headless: true, dataDir, port, cliPath: testServers().temporalCli });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-outage-'));
    port = await freePort();
    temporal = await startTemporal();
    service = await startService({}, { temporalAddress: temporal.address });
    await http('POST', `${service.url}/events`, { id: 'show', title: 'Show', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 2000, capacity: 3 }] });
  });
  afterAll(async () => {
    await service?.stop();
    await temporal?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('a webhook is acknowledged from the inbox, and the order completes once Temporal is back', async () => {
    const opened = await http('POST', `${service.url}/checkouts`, cardBody('outage-1', 'show', 'seat'));
    expect(opened.status).toBe(201);
    const mongo = await connectMongo(testServers().mongoUri, service.config.mongo.db);
    const inbox = collections(mongo.db).inbox;

    await temporal.stop();
    // The customer pays while Temporal is down: KOMOJU's webhook is acknowledged from the inbox.
    expect((await payByCard(opened.json.redirectUrl)).status).toBe(303);
    const { payment } = await komojuSession(service, opened.json.redirectUrl.split('/').pop()!);
    const answer = await deliverKomojuEvent(service, 'evt_while_down', 'payment.captured', payment);
    expect(answer.status).toBe(200);
    expect(await inbox.findOne({ _id: 'komoju:evt_while_down' })).toMatchObject({ orderId: 'outage-1', signal: 'captured' });
    const fromSandbox = await eventually(() => inbox.findOne({ orderId: 'outage-1', type: 'payment.captured', _id: { $ne: 'komoju:evt_while_down' } }), (doc) => doc !== null);
    expect(fromSandbox!.state).not.toBe('signalled');
    expect((await http('GET', `${service.url}/checkouts/outage-1`)).json.status).toBe('pending');

    temporal = await startTemporal(); // same port, same data: the checkout is still there
    await eventually(() => http('GET', `${service.url}/checkouts/outage-1`), (res) => res.json?.status === 'completed', 90_000);
    // Its own delivery may still be on its way (a retry after the outage): await it.
    await eventually(() => inbox.findOne({ _id: 'komoju:evt_while_down' }), (doc) => doc?.state === 'signalled', 90_000);
    await mongo.client.close();
  }, 180_000);
});

test('several API processes relaying one inbox signal each event exactly once', async () => {
  const service = await startService();
  const mongo = await connectMongo(testServers().mongoUri, service.config.mongo.db);
  const temporal = await connectTemporal(testServers().temporalAddress, 'default', service.codec);
  try {
    await http('POST', `${service.url}/events`, { id: 'fair', title: 'Fair', currency: 'JPY', ticketTypes: [{ id: 'day', name: 'Day', price: 1000, capacity: 5 }] });
    expect((await http('POST', `${service.url}/checkouts`, cardBody('relay-1', 'fair', 'day'))).status).toBe(201);

    // Three "API processes" with their own relays over the same database.
    const relays = [0, 1, 2].map(() => new EventInbox(collections(mongo.db), new Checkouts(temporal, service.config.temporal.taskQueue), quiet));
    // More than one pass's batch (PASS_BATCH, 100): a pass reads due ids again until none are left.
    const ids = Array.from({ length: 130 }, (_, n) => `test:refund-notice-${n}`);
    for (const id of ids) {
      await relays[0].record({ _id: id, provider: 'komoju', source: 'webhook', type: 'payment.refunded', orderId: 'relay-1', paymentId: null, signal: 'refunded', body: '{}', state: 'recorded' });
    }
    await Promise.all(relays.flatMap((relay) => [relay.kick(), relay.kick()]));
    await eventually(() => collections(mongo.db).inbox.countDocuments({ _id: { $in: ids }, state: 'signalled' }), (n) => n === ids.length);

    const signalledInHistory = async () => {
      const history = await temporal.workflow.getHandle(checkoutWorkflowId('relay-1')).fetchHistory();
      // History holds the signals encrypted: the service's codec reads them.
      const inputs = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).map((e) => e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]);
      return (await service.codec!.decode(inputs)).map((payload) => JSON.parse(Buffer.from(payload.data!).toString()).eventId as string).filter((id) => ids.includes(id));
    };
    // A signal that arrives while a workflow task runs is buffered by Temporal and enters the
    // history only when that task completes: wait until every one is there, then count them.
    const signalled = await eventually(signalledInHistory, (found) => found.length >= ids.length);
    expect(signalled.sort()).toEqual([...ids].sort());
  } finally {
    await temporal.connection.close();
    await mongo.client.close();
    await service.stop();
  }
});

test('a new event gives way to the webhook answers being written, for a bounded time', async () => {
  const service = await startService();
  const mongo = await connectMongo(testServers().mongoUri, service.config.mongo.db);
  const temporal = await connectTemporal(testServers().temporalAddress, 'default', service.codec);
  const inbox = collections(mongo.db).inbox;
  const notice = (id: string) => ({ _id: id, provider: 'komoju', source: 'webhook' as const, type: 'payment.refunded', orderId: 'answers-1', paymentId: null, signal: 'refunded' as const, body: '{}', state: 'recorded' as const });
  try {
    await http('POST', `${service.url}/events`, { id: 'gig', title: 'Gig', currency: 'JPY', ticketTypes: [{ id: 'floor', name: 'Floor', price: 1000, capacity: 5 }] });
    expect((await http('POST', `${service.url}/checkouts`, cardBody('answers-1', 'gig', 'floor'))).status).toBe(201);
    const checkouts = new Checkouts(temporal, service.config.temporal.taskQueue);

    // An answer in flight holds the delivery back (for up to a minute here) until it is written.
    const patient = new EventInbox(collections(mongo.db), checkouts, quiet, 60_000);
    const answered = patient.answer();
    await patient.record(notice('test:after-answer'));
    const delivery = patient.kick('test:after-answer');
    expect((await inbox.findOne({ _id: 'test:after-answer' }))!.state).toBe('recorded');
    answered();
    await delivery;
    expect((await inbox.findOne({ _id: 'test:after-answer' }))!.state).toBe('signalled');

    // An answer that never ends delays it only that long.
    const brief = new EventInbox(collections(mongo.db), checkouts, quiet, 50);
    brief.answer();
    await brief.record(notice('test:answer-never-ends'));
    await brief.kick('test:answer-never-ends');
    expect((await inbox.findOne({ _id: 'test:answer-never-ends' }))!.state).toBe('signalled');
  } finally {
    await temporal.connection.close();
    await mongo.client.close();
    await service.stop();
  }
});
