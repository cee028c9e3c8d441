/** The shared Temporal dev server is a real server with the checkout search attributes registered. */
import net from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import * as ports from '../../src/stack/ports';
import { acceptsConnections } from '../../src/stack/ports';
import { startTemporalDevServer } from '../../src/stack/temporal';
import { listCustomSearchAttributes, OPERATOR_QUERIES, registerSearchAttributes } from '../../src/temporal/search-attributes';
import { eventually } from '../support/eventually';
import { testServers } from '../support/servers';

let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: testServers().temporalAddress });
});
afterAll(() => connection.close());

test('registers the five checkout search attributes with their types', async () => {
  const registered = await listCustomSearchAttributes(connection, testServers().namespace);
  expect(registered).toMatchObject({
    CheckoutStatus: 'Keyword',
    PaymentProvider: 'Keyword',
    PaymentMethod: 'Keyword',
    EventId: 'Keyword',
    PaymentDeadline: 'Datetime',
  });
  expect(Object.keys(SEARCH_ATTRIBUTES).sort()).toEqual(
    ['CheckoutStatus', 'EventId', 'PaymentDeadline', 'PaymentMethod', 'PaymentProvider'],
  );
});

test('accepts a visibility query on a custom search attribute', async () => {
  const client = new Client({ connection, namespace: testServers().namespace });
  const found = [];
  for await (const wf of client.workflow.list({ query: `CheckoutStatus = 'pending' AND EventId = 'no-such-event'` })) found.push(wf);
  expect(found).toEqual([]);
  // An unregistered attribute is refused, so the query above really used the registered ones.
  await expect(async () => {
    for await (const wf of client.workflow.list({ query: `NoSuchAttribute = 'x'` })) found.push(wf);
  }).rejects.toThrow();
});

test('npm run temporal:search-attributes registers what a namespace lacks, and is safe to run again', async () => {
  const namespace = `sa-${process.pid}-${Date.now().toString(36)}`;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const first = await eventuallyRegistered(() => registerSearchAttributes(connection, namespace));
  expect(first.added.sort()).toEqual(Object.keys(SEARCH_ATTRIBUTES).sort());
  expect(await listCustomSearchAttributes(connection, namespace)).toMatchObject(SEARCH_ATTRIBUTES);
  expect(await registerSearchAttributes(connection, namespace)).toEqual({ added: [], present: expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTES)) });
});

test("the README's operator queries find the runs they describe", async () => {
  const client = new Client({ connection, namespace: testServers().namespace });
  const now = Date.now();
  const [dueSoon, refundRequired, longReview] = OPERATOR_QUERIES(new Date(now + 3_600_000).toISOString(), new Date(now + 60_000).toISOString());
  const eventId = `queries-${process.pid}-${now.toString(36)}`;
  const taskQueue = `no-worker-${eventId}`;
  // Runs nobody works on, with the attributes a checkout in each state would have.
  const runs = {
    slip: { CheckoutStatus: ['awaiting_payment'], PaymentMethod: ['konbini'], PaymentProvider: ['komoju'], PaymentDeadline: [new Date(now + 30 * 60_000)] },
    later: { CheckoutStatus: ['awaiting_payment'], PaymentMethod: ['konbini'], PaymentProvider: ['komoju'], PaymentDeadline: [new Date(now + 5 * 3_600_000)] },
    refund: { CheckoutStatus: ['refund_required'], PaymentMethod: ['konbini'], PaymentProvider: ['komoju'] },
    review: { CheckoutStatus: ['awaiting_payment'], PaymentMethod: ['invoice'], PaymentProvider: ['resurs'] },
  };
  const handles = await Promise.all(
    Object.entries(runs).map(([name, attributes]) => client.workflow.start('checkout', { workflowId: `${eventId}-${name}`, taskQueue, args: [], searchAttributes: { ...attributes, EventId: [eventId] } })),
  );
  try {
    const found = async (query: string) => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query: `${query} AND EventId = "${eventId}"` })) ids.push(wf.workflowId.slice(eventId.length + 1));
      return ids.sort();
    };
    await eventually(() => found('ExecutionStatus = "Running"'), (ids) => ids.length === 4);
    expect(await found(dueSoon)).toEqual(['slip']);
    expect(await found(refundRequired)).toEqual(['refund']);
    // "Started before a minute from now": every run here; the query's shape is what counts.
    expect(await found(longReview)).toEqual(['review']);
  } finally {
    await Promise.all(handles.map((handle) => handle.terminate('test over')));
  }
});

/** A namespace just registered takes a moment to be served: its first calls may say it is not found. */
async function eventuallyRegistered<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= 50 || !/not found/i.test(String(err))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

test('a port taken between picking it and the server binding it is picked again', async () => {
  // The race seen on a clean clone: the picked port was in use by the time the server bound it.
  const taken = net.createServer((socket) => socket.destroy()); // held, not served
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const takenPort = (taken.address() as net.AddressInfo).port;
  const pick = jest.spyOn(ports, 'freePort').mockResolvedValueOnce(takenPort);
  const lines: string[] = [];
  try {
    const server = await startTemporalDevServer({ namespace: 'default', headless: true, cliPath: testServers().temporalCli!, log: (line) => lines.push(line) });
    try {
      expect(server.address).not.toBe(`127.0.0.1:${takenPort}`);
      await expect(acceptsConnections(server.address)).resolves.toBeUndefined();
      expect(lines.join('\n')).toMatch(/taken before it started/);
    } finally {
      await server.stop();
    }
  } finally {
    pick.mockRestore();
    await new Promise((resolve) => taken.close(resolve));
  }
});
