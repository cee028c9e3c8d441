/**
 * Logs of a real checkout carry what ties them together: the order id, the workflow id and, for a
 * provider's webhook, its event id — in the API's lines and in the Temporal SDK's (workflow and
 * activity) lines, which reach the service's own pino logger. No customer e-mail or name.
 */
import { Writable } from 'node:stream';
import { Runtime } from '@temporalio/worker';
import pino from 'pino';
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody, payByCard } from '../support/shop';

// What production creates the SDK's runtime with: the tests' setup file gives it a quiet printer
// instead, which would keep the SDK's lines from the service's logger.
Runtime.defaultOptions = {};

type Entry = Record<string, unknown> & { msg: string };
const entries: Entry[] = [];
const destination = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) entries.push(JSON.parse(line));
    done();
  },
});

let service: TestService;
beforeAll(async () => {
  service = await startService({}, { log: pino({ level: 'debug', redact: ['customer.email', 'customer.name'] }, destination) });
});
afterAll(() => service?.stop());

const find = (match: (entry: Entry) => boolean) => eventually(async () => entries.find(match), Boolean);

test('webhook, relay, activity and workflow lines name the order, its workflow and the provider event', async () => {
  expect((await http('POST', `${service.url}/events`, { id: 'log-hall', title: 'Log Hall', currency: 'JPY', ticketTypes: [{ id: 'floor', name: 'Floor', price: 2000, capacity: 5 }] })).status).toBe(201);
  const opened = await http('POST', `${service.url}/checkouts`, cardBody('log-1', 'log-hall', 'floor'));
  expect(opened.status).toBe(201);
  expect((await payByCard(opened.json.redirectUrl)).status).toBe(303);
  const ids = { orderId: 'log-1', workflowId: 'checkout-log-1' };

  // The sandbox's webhook for the capture: recorded by the API, then signalled by the relay.
  const webhook = (await find((e) => e.msg === 'webhook recorded' && e.orderId === 'log-1'))!;
  expect(webhook).toMatchObject({ ...ids, provider: 'komoju', outcome: 'accepted', providerEventId: expect.any(String) });
  const relayed = (await find((e) => e.msg === 'event signalled to its checkout' && e.providerEventId === webhook.providerEventId))!;
  expect(relayed).toMatchObject({ ...ids, eventId: `komoju:${webhook.providerEventId}` });

  // The SDK's own lines, with the order id derived from the workflow id.
  expect(await find((e) => e.sdkComponent !== undefined && e.activityType === 'moveOrder' && e.workflowId === ids.workflowId)).toMatchObject({
    ...ids,
    component: 'temporal',
    taskQueue: service.config.temporal.taskQueue,
  });
  expect(await find((e) => e.msg === 'Workflow started' && e.workflowId === ids.workflowId)).toMatchObject({ ...ids, workflowType: 'checkout', runId: expect.any(String) });
  await eventually(() => http('GET', `${service.url}/checkouts/log-1`), (res) => res.json?.status === 'completed');

  const text = JSON.stringify(entries);
  expect(text).not.toContain('log-1@example.com');
  expect(text).not.toContain('"Yui"');
  expect(text).not.toContain('taskToken');
});
