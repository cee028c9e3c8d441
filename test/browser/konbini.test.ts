/**
 * Konbini: the customer takes a payment slip on KOMOJU's page and lands on the order page, which
 * shows the store, the amount and the deadline in Japan time; paid at the store (the sandbox's
 * operator page, in a second tab), the open order page turns completed by itself.
 */
import { launchBrowser, newPage, screenshot, type Browser } from '../support/browser';
import { startService, type TestService } from '../support/service';
import { createEvent, fillCheckout, ORDER_PAGE, orderFromApi, orderOf, statusShown } from '../support/storefront';

let service: TestService;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail before any server starts
  service = await startService();
  await createEvent(service, 'fes', 'Summer Fes', [{ id: 'day', name: 'Day pass', price: 8000, capacity: 4 }]);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

test('konbini: slip → the order page shows store, amount and deadline in JST → paid at the store in another tab → completed without a reload', async () => {
  // The browser is in Stockholm: the deadline must still be shown in Japan time.
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'fes', { quantities: { day: 1 }, choice: 'komoju:konbini' });
  await page.click('#pay');
  await page.waitForURL(/\/sandbox\/komoju\/sessions\//);
  await page.check('input[name=store][value=lawson]');
  await page.click('form.konbini button[type=submit]');

  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'awaiting_payment');
  await page.waitForSelector('#konbini');
  const { orderId } = orderOf(page);
  const order = await orderFromApi(service, orderId);
  const deadline: string = order.payment.konbini.deadline;
  expect(await page.textContent('#status')).toBe('Waiting for payment at the store');
  expect(await page.textContent('#konbini-store')).toBe('Lawson');
  expect(await page.textContent('#konbini-amount')).toBe('¥8,000');
  expect(await page.getAttribute('#konbini-deadline', 'datetime')).toBe(deadline);
  // KOMOJU's default slip is due at 23:59:59 JST, three days on: shown as such, whatever the zone.
  const jstDay = new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone: 'Asia/Tokyo' }).format(new Date(deadline));
  expect(await page.textContent('#konbini-deadline')).toBe(`${jstDay} at 11:59 PM JST`);
  expect(await page.textContent('#konbini-code')).toBe(order.payment.konbini.confirmationCode);
  expect(await page.getAttribute('#konbini-instructions', 'href')).toBe(order.payment.konbini.instructionsUrl);
  expect(await page.isVisible('#cancel button')).toBe(true);
  expect(await page.isVisible('#live-note')).toBe(true);
  await screenshot(page, 'konbini-slip');

  // Marks this document: if the page reloaded, the mark would be gone.
  await page.evaluate(() => ((globalThis as unknown as { stayed: boolean }).stayed = true));

  // The store's side: the sandbox's operator pages, in a second tab.
  const store = await context.newPage();
  await store.goto(`${service.url}/sandbox/komoju/`);
  await store.locator('tr[data-payment]', { hasText: orderId }).locator('a').first().click();
  await store.click('button:has-text("Pay at store")');
  await store.waitForSelector('.status[data-status="captured"]');

  await statusShown(page, 'completed');
  expect(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(await page.$$('li.ticket svg')).toHaveLength(1);
  expect(await page.textContent('#announce')).toBe('Completed'); // told to screen readers too
  expect(await page.$('#konbini')).toBeNull();
  expect(await page.isHidden('#live-note')).toBe(true);
  await screenshot(page, 'konbini-completed');
  expect(problems).toEqual([]);
  await context.close();
});
