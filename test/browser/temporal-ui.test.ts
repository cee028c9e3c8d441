/**
 * Proof by picture: the Temporal UI as `npm start` runs it (a dev server whose UI decodes payloads
 * through the API's codec endpoint) shows an operator the checkouts filtered by CheckoutStatus,
 * and one run's summary, details and current details in words. The screenshots land in
 * test-artifacts/screenshots; the README shows copies from docs/images.
 */
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../src/stack/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/stack/temporal';
import { launchBrowser, newPage, screenshot, type Browser, type Page } from '../support/browser';
import { testServers } from '../support/servers';
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody, payByCard, takeKonbiniSlip } from '../support/shop';

let browser: Browser;
let temporal: TemporalDevServer;
let service: TestService;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail before any server starts
  // The UI calls the codec endpoint and the API allows the UI's origin: each must know the
  // other's address before either starts, so the API's port is picked first.
  const apiUrl = `http://127.0.0.1:${await freePort()}`;
  temporal = await startTemporalDevServer({
    namespace: 'default',
    cliPath: testServers().temporalCli ?? null,
    uiCodecEndpoint: `${apiUrl}/codec`,
    log: () => undefined,
  });
  service = await startService(
    { PORT: new URL(apiUrl).port, PUBLIC_URL: apiUrl, PAYLOAD_CODEC_ORIGINS: temporal.uiUrl! },
    { temporalAddress: temporal.address },
  );
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, namespace: 'default' });
  const created = await http('POST', `${service.url}/events`, {
    id: 'budokan',
    title: 'Live at Budokan',
    currency: 'JPY',
    ticketTypes: [{ id: 'arena', name: 'Arena', price: 4500, capacity: 20 }],
  });
  expect(created.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await connection?.close();
  await temporal?.stop();
});

const orderStatus = async (orderId: string) => (await http('GET', `${service.url}/checkouts/${orderId}`)).json?.status;

async function open(orderId: string, method: 'credit_card' | 'konbini', quantity: number) {
  const opened = await http('POST', `${service.url}/checkouts`, cardBody(orderId, 'budokan', 'arena', method, quantity));
  expect(opened.status).toBe(201);
  return opened.json as { redirectUrl: string; clientSecret: string };
}

/** One checkout per state an operator meets; answers when the service reports each state. */
async function checkoutsInSeveralStates() {
  const paid = await open('ui-card-paid', 'credit_card', 2);
  const back = (await payByCard(paid.redirectUrl)).headers.get('location')!;
  expect((await http('GET', back)).status).toBe(303); // the customer's browser back at the shop

  for (const [orderId, store] of [['ui-konbini-lawson', 'lawson'], ['ui-konbini-7eleven', 'seven-eleven']]) {
    const konbini = await open(orderId, 'konbini', orderId.endsWith('lawson') ? 3 : 1);
    expect((await http('GET', await takeKonbiniSlip(konbini.redirectUrl, store))).status).toBe(303);
  }

  await open('ui-card-pending', 'credit_card', 1); // the customer is still on KOMOJU's page

  const cancelled = await open('ui-card-cancelled', 'credit_card', 1);
  expect((await http('POST', `${service.url}/checkouts/ui-card-cancelled/cancel`, undefined, { 'x-client-secret': cancelled.clientSecret })).status).toBe(202);

  const expected: Record<string, string> = {
    'ui-card-paid': 'completed',
    'ui-konbini-lawson': 'awaiting_payment',
    'ui-konbini-7eleven': 'awaiting_payment',
    'ui-card-pending': 'pending',
    'ui-card-cancelled': 'cancelled',
  };
  for (const [orderId, status] of Object.entries(expected)) await eventually(() => orderStatus(orderId), (s) => s === status);
  // The UI reads Temporal's visibility store, not our database: wait until it has caught up too.
  await eventually(() => client.workflow.count('CheckoutStatus = "awaiting_payment"').then((c) => c.count), (n) => n === 2);
  await eventually(() => client.workflow.count('CheckoutStatus IN ("completed", "cancelled", "pending")').then((c) => c.count), (n) => n === 3);
}

/**
 * The list's columns as an operator would pick them in the UI's column chooser (the UI keeps the
 * choice in the browser's localStorage): the checkout's search attributes next to the run.
 */
async function chooseColumns(page: Page) {
  const columns = ['Status', 'Workflow ID', 'CheckoutStatus', 'PaymentMethod', 'PaymentDeadline'];
  const state = { default: columns.map((label, i) => ({ label, pinned: i < 2 })) };
  await page.addInitScript((value) => {
    const { localStorage } = globalThis as unknown as { localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void } };
    if (!localStorage.getItem('namespace-workflow-table-columns')) localStorage.setItem('namespace-workflow-table-columns', value);
  }, JSON.stringify(state));
}

const AWAITING = 'CheckoutStatus = "awaiting_payment"';

test('the Temporal UI: the list filtered by CheckoutStatus, and a konbini run in words (summary, details, current details), decoded in the browser', async () => {
  await checkoutsInSeveralStates();
  const { page, context, problems } = await newPage(browser);
  const decoded: string[] = []; // the browser asks our API to decrypt what it shows
  page.on('request', (req) => req.url().startsWith(`${service.url}/codec/decode`) && decoded.push(req.url()));
  await page.setViewportSize({ width: 1400, height: 620 }); // two rows: no need for a tall picture
  await chooseColumns(page);

  // The list, filtered as an operator types it in the search box (the UI keeps it in ?query=).
  await page.goto(`${temporal.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(AWAITING)}`);
  const rows = page.locator('tr[data-testid="workflows-summary-configurable-table-row"]');
  await rows.filter({ hasText: 'checkout-ui-konbini-lawson' }).waitFor();
  await rows.filter({ hasText: 'checkout-ui-konbini-7eleven' }).waitFor();
  expect(await page.locator('[aria-controls^="dropdown-filter-chip-CheckoutStatus"]').getAttribute('title')).toBe(AWAITING);
  expect(await rows.count()).toBe(2);
  for (const orderId of ['ui-konbini-lawson', 'ui-konbini-7eleven']) {
    const text = await rows.filter({ hasText: `checkout-${orderId}` }).innerText();
    expect(text).toContain('awaiting_payment');
    expect(text).toContain('konbini');
    // The slip's deadline, in the browser's time zone.
    const { deadline } = (await http('GET', `${service.url}/checkouts/${orderId}`)).json.payment.konbini;
    expect(text).toContain(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'Europe/Stockholm' }).format(new Date(deadline)));
  }
  for (const column of ['CheckoutStatus', 'PaymentMethod', 'PaymentDeadline']) {
    expect(await page.locator(`th[data-testid="workflows-summary-table-header-cell-${column}"]`).count()).toBe(1);
  }
  const listText = await page.innerText('body');
  for (const other of ['ui-card-paid', 'ui-card-pending', 'ui-card-cancelled']) expect(listText).not.toContain(other);
  expect(listText).not.toContain('@example.com'); // no customer's e-mail in what the list shows
  await screenshot(page, 'temporal-ui-list');

  // One run: its timeline names each step (activity and timer summaries)...
  await page.setViewportSize({ width: 1400, height: 900 }); // the timeline draws only what is in view
  await rows.filter({ hasText: 'checkout-ui-konbini-lawson' }).getByRole('link', { name: 'checkout-ui-konbini-lawson' }).click();
  await page.waitForURL(/\/workflows\/checkout-ui-konbini-lawson\/[^/]+\/timeline/);
  await page.getByText('startPayment • open KOMOJU konbini payment of ¥13,500').first().waitFor();
  await page.getByText('konbini deadline + grace').first().waitFor();
  await page.getByText('sendEmail • mail konbini_instructions').first().waitFor();
  await screenshot(page, 'temporal-ui-timeline');

  // ...and its user metadata tells the order and what the run waits for, decrypted by our codec
  // endpoint (the UI renders each Markdown text in a frame of its own).
  await page.setViewportSize({ width: 1400, height: 780 });
  await page.locator('[data-testid="user-metadata-tab"]').click();
  await page.waitForURL(/\/user-metadata$/);
  const summary = page.frameLocator('#user-metadata-summary');
  const details = page.frameLocator('#user-metadata-details');
  const current = page.frameLocator('#user-metadata-current-details');
  await summary.getByText('budokan · ¥13,500 · 3 tickets · KOMOJU konbini').waitFor();
  await details.getByText('ui-konbini-lawson').waitFor();
  await details.getByText('Live at Budokan').waitFor();
  await current.getByText(/^Waiting for konbini payment at Lawson, due \d{1,2} [A-Z][a-z]{2} 23:59 JST; the checkout gives up at \d{1,2} [A-Z][a-z]{2} \d\d:\d\d JST\.$/).waitFor();
  await details.getByText('3 × Arena at ¥4,500').waitFor();
  for (const frame of [summary, details, current]) expect(await frame.locator('body').innerText()).not.toContain('@example.com');
  expect(decoded.length).toBeGreaterThan(0);
  await screenshot(page, 'temporal-ui-run');

  expect(problems).toEqual([]);
  await context.close();
});
