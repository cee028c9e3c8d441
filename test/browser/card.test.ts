/**
 * A customer buys with a card on the storefront, through KOMOJU's sandbox page, and ends on the
 * order page; or cancels on KOMOJU's page and ends on the cancelled order.
 */
import { launchBrowser, newPage, screenshot, type Browser } from '../support/browser';
import { startService, type TestService } from '../support/service';
import { createEvent, fillCheckout, ORDER_PAGE, orderFromApi, orderOf, statusShown } from '../support/storefront';

let service: TestService;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail before any server starts
  service = await startService();
  await createEvent(service, 'budokan', 'Live at Budokan', [
    { id: 'arena', name: 'Arena', price: 4500, capacity: 10 },
    { id: 'stand', name: 'Stand', price: 3000, capacity: 10 },
  ]);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

test('card: shop → KOMOJU hosted page → pay → the order page shows it completed, with a QR code per ticket', async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'budokan', { quantities: { arena: 2, stand: 1 } });
  await screenshot(page, 'shop-form');
  await page.click('#pay');

  await page.waitForURL(/\/sandbox\/komoju\/sessions\//);
  await page.fill('input[name=number]', '4111 1111 1111 1111');
  await page.fill('input[name=name]', 'AKI TANAKA');
  await page.fill('input[name=expiry]', '12/30');
  await page.fill('input[name=cvc]', '123');
  await page.click('form.card button[type=submit]');

  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'completed');
  const { orderId } = orderOf(page);
  const order = await orderFromApi(service, orderId);
  expect(order).toMatchObject({ status: 'completed', amount: 12000 });
  expect(order.tickets).toHaveLength(3);

  // One QR code per ticket, each captioned with its code.
  const shown = await page.$$eval('li.ticket', (items) => items.map((li) => ({ code: li.getAttribute('data-code'), svg: !!li.querySelector('svg path'), caption: li.querySelector('figcaption')?.textContent ?? '' })));
  expect(shown.map((t) => t.code).sort()).toEqual(order.tickets.map((t: { code: string }) => t.code).sort());
  for (const ticket of shown) {
    expect(ticket.svg).toBe(true);
    expect(ticket.caption).toContain(ticket.code);
  }
  expect(await page.textContent('#amount')).toBe('¥12,000');
  expect(await page.textContent('#status')).toBe('Completed');
  const text = (await page.textContent('body')) ?? '';
  expect(text).toContain('Live at Budokan');
  expect(text).not.toContain('aki@example.com'); // no personal data on the page
  expect(text).not.toContain('Aki Tanaka');
  expect(await page.isHidden('#live-note')).toBe(true); // final: no more polling
  await screenshot(page, 'card-completed');
  expect(problems).toEqual([]);
  await context.close();
});

test('cancel on KOMOJU\'s page: back at the shop, the order page shows the order cancelled', async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'budokan', { quantities: { stand: 1 }, locale: 'ja' }, 'ja');
  await page.click('#pay');
  await page.waitForURL(/\/sandbox\/komoju\/sessions\//);
  await page.click('form[action$="/cancel"] button');

  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'cancelled');
  // The customer chose Japanese: the order page speaks it.
  expect(await page.getAttribute('html', 'lang')).toBe('ja');
  expect(await page.textContent('#status')).toBe('キャンセル');
  expect(await page.$('#cancel')).toBeNull(); // nothing left to cancel
  expect(await page.$('li.ticket')).toBeNull();
  expect((await orderFromApi(service, orderOf(page).orderId)).status).toBe('cancelled');
  await screenshot(page, 'card-cancelled');
  expect(problems).toEqual([]);
  await context.close();
});

test('back without paying: the order page offers to continue and to cancel; cancelling there updates the page in place', async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'budokan', { quantities: { arena: 1 } });
  const [request] = await Promise.all([page.waitForRequest((req) => req.method() === 'POST' && req.url().endsWith('/checkouts')), page.click('#pay')]);
  const { orderId } = request.postDataJSON() as { orderId: string }; // the page makes the order id
  await page.waitForURL(/\/sandbox\/komoju\/sessions\//);
  const sessionUrl = page.url();

  // The customer comes back to the shop without paying (KOMOJU's return link, as the browser would).
  await page.goto(`${service.url}/checkouts/${orderId}/return?session_id=${sessionUrl.split('/').pop()}`);
  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'pending');
  expect(await page.getAttribute('#continue-payment', 'href')).toBe(sessionUrl);
  await screenshot(page, 'card-pending');
  await page.evaluate(() => ((globalThis as unknown as { stayed: boolean }).stayed = true));

  await page.click('#cancel button');
  await statusShown(page, 'cancelled');
  expect(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).toBe(true); // no reload
  expect(await page.$('#continue-payment')).toBeNull();
  expect((await orderFromApi(service, orderId)).status).toBe('cancelled');
  expect(problems).toEqual([]);
  await context.close();
});
