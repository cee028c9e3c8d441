/**
 * Nobody sees an order page by guessing: without the order's client secret, or with a wrong one
 * (another order's included), the browser gets the same "not found" page, with nothing of the
 * order in it, and no script that could ask for it.
 */
import { launchBrowser, newPage, screenshot, type Browser } from '../support/browser';
import { http, startService, type TestService } from '../support/service';
import { cardBody, payByCard } from '../support/shop';
import { createEvent, orderFromApi, statusShown } from '../support/storefront';
import { eventually } from '../support/eventually';

let service: TestService;
let browser: Browser;
let secretOf: Record<string, string>;
let tickets: string[];
beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail before any server starts
  service = await startService();
  await createEvent(service, 'secret-gig', 'Secret Gig', [{ id: 'floor', name: 'Floor', price: 5000, capacity: 5 }]);
  secretOf = {};
  for (const orderId of ['mine', 'theirs']) {
    const opened = await http('POST', `${service.url}/checkouts`, cardBody(orderId, 'secret-gig', 'floor'));
    expect(opened.status).toBe(201);
    secretOf[orderId] = opened.json.clientSecret;
    await payByCard(opened.json.redirectUrl);
  }
  const paid = await eventually(() => orderFromApi(service, 'mine'), (o) => o.status === 'completed');
  tickets = paid.tickets.map((t: { code: string }) => t.code);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const attempts = () => ({
  'no secret': `/orders/mine`,
  'an empty secret': `/orders/mine?clientSecret=`,
  'a guessed secret': `/orders/mine?clientSecret=mine_secret_guess`,
  "another order's secret": `/orders/mine?clientSecret=${encodeURIComponent(secretOf.theirs)}`,
  'an unknown order': `/orders/nobody?clientSecret=${encodeURIComponent(secretOf.mine)}`,
});

test('without its secret, or with a wrong one, the order page is refused: 404, nothing of the order shown', async () => {
  const { page, context, problems } = await newPage(browser);
  for (const [what, path] of Object.entries(attempts())) {
    const res = await page.goto(`${service.url}${path}`);
    expect([what, res?.status()]).toEqual([what, 404]);
    await page.waitForSelector('#not-found');
    const text = (await page.textContent('body')) ?? '';
    const leaks = [...tickets, 'Secret Gig', '5,000', 'completed', 'mine@example.com', 'Yui'].filter((leak) => text.includes(leak));
    expect({ what, leaks }).toEqual({ what, leaks: [] });
    expect(await page.$('#status')).toBeNull();
    expect(await page.$('script[src]')).toBeNull();
  }
  await screenshot(page, 'order-refused');
  // The panel the page's script refreshes from is guarded the same way.
  for (const secret of ['', 'mine_secret_guess', secretOf.theirs]) {
    const panel = await http('GET', `${service.url}/orders/mine/panel`, undefined, secret ? { 'x-client-secret': secret } : {});
    expect(panel.status).toBe(404);
    for (const code of tickets) expect(panel.text).not.toContain(code);
  }
  expect(problems).toEqual([]);
  await context.close();
});

test('with its secret, the same page shows the order (and still no name or e-mail address)', async () => {
  const { page, context, problems } = await newPage(browser);
  const res = await page.goto(`${service.url}/orders/mine?clientSecret=${encodeURIComponent(secretOf.mine)}`);
  expect(res?.status()).toBe(200);
  await statusShown(page, 'completed');
  const text = (await page.textContent('body')) ?? '';
  for (const code of tickets) expect(text).toContain(code);
  expect(text).not.toContain('mine@example.com');
  expect(text).not.toContain('Yui');
  expect(problems).toEqual([]);
  await context.close();
});
