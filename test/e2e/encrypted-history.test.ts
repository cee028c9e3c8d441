/**
 * Personal data stays out of plain sight in Temporal: a checkout paid end to end through the real
 * service leaves a history in which a client without the keys finds neither the customer's
 * e-mail nor their name — while the service's codec (and its codec endpoint, as the Temporal UI
 * uses it) reads them back, so the check can fail.
 */
import { Client, Connection } from '@temporalio/client';
import { checkoutWorkflowId } from '../../src/temporal/messages';
import { testServers } from '../support/servers';
import { eventually, http, startService, type TestService } from '../support/service';
import { payByCard } from '../support/shop';

const UI = 'http://ui.test:8233';
const EMAIL = 'kiyoshi.himitsu-7c3e@example.org';
const NAME = 'Kiyoshi Himitsunamae';

let service: TestService;
let connection: Connection;
beforeAll(async () => {
  service = await startService({ PAYLOAD_CODEC_ORIGINS: UI });
  connection = await Connection.connect({ address: testServers().temporalAddress });
});
afterAll(async () => {
  await connection?.close();
  await service?.stop();
});

/** Everything a history holds as text: bytes as UTF-8 and as base64 (how JSON shows payloads). */
function dump(value: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (node instanceof Uint8Array) {
      parts.push(Buffer.from(node).toString('utf8'), Buffer.from(node).toString('base64'));
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
    else if (node !== undefined && node !== null) parts.push(String(node));
  };
  walk(value);
  return `${JSON.stringify(value)}\n${parts.join('\n')}`;
}

const mentionsCustomer = (text: string) => [EMAIL, NAME, 'himitsu', 'Himitsunamae'].filter((needle) => text.includes(needle));

test("a paid checkout's history carries no name or e-mail in plain sight; the codec reads them back", async () => {
  expect((await http('POST', `${service.url}/events`, { id: 'secret-gig', title: 'Secret Gig', currency: 'JPY', ticketTypes: [{ id: 'floor', name: 'Floor', price: 3000, capacity: 5 }] })).status).toBe(201);
  const opened = await http('POST', `${service.url}/checkouts`, {
    orderId: 'enc-1',
    eventId: 'secret-gig',
    items: [{ ticketTypeId: 'floor', quantity: 1 }],
    customer: { email: EMAIL, name: NAME, locale: 'en' },
    payment: { provider: 'komoju', method: 'credit_card' },
  });
  expect(opened.status).toBe(201);
  const paid = await payByCard(opened.json.redirectUrl);
  expect((await http('GET', paid.headers.get('location')!)).status).toBe(303);
  // Completed: the history now holds the input, the update, signals, activity inputs and results, the mail.
  const order = await eventually(() => http('GET', `${service.url}/checkouts/enc-1`), (res) => res.json?.status === 'completed', 60_000);
  expect(order.json.customer).toEqual({ email: EMAIL, name: NAME }); // the API still reads them, through the codec
  await eventually(() => service.smtp.list(), (mails) => mails.length === 1);

  // A client without the codec: what the Temporal server stores, and what its UI would show.
  const bare = new Client({ connection, namespace: 'default' });
  const history = await bare.workflow.getHandle(checkoutWorkflowId('enc-1')).fetchHistory();
  const events = history.events ?? [];
  expect(events.length).toBeGreaterThan(10);
  const plainText = dump(events);
  expect(mentionsCustomer(plainText)).toEqual([]);
  // The dump does see the history's text: the ids and the search attributes stay readable.
  expect(plainText).toContain('enc-1');
  expect(plainText).toContain('"completed"');
  expect(plainText).toContain('"secret-gig"');

  // Every payload in it is encrypted, and the service's codec reads them back.
  const input = events[0].workflowExecutionStartedEventAttributes!.input!.payloads!;
  expect(Buffer.from(input[0].metadata!.encoding!).toString()).toBe('binary/encrypted');
  const decoded = await service.codec!.decode(input);
  expect(mentionsCustomer(dump(decoded))).toEqual([EMAIL, NAME, 'himitsu', 'Himitsunamae']);

  // The Temporal UI's way: the operator's browser posts the payloads to the codec endpoint.
  const proto3Json = input.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data!).toString('base64'),
  }));
  const viaUi = await http('POST', `${service.url}/codec/decode`, { payloads: proto3Json }, { origin: UI, 'x-namespace': 'default' });
  expect(viaUi.status).toBe(200);
  const customer = JSON.parse(Buffer.from(viaUi.json.payloads[0].data, 'base64').toString()).customer;
  expect(customer).toMatchObject({ email: EMAIL, name: NAME });
});
