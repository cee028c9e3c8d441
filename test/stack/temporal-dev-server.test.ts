/** The shared Temporal dev server is a real server with the checkout search attributes registered. */
import { Client, Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { listCustomSearchAttributes } from '../../src/stack/temporal';
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
