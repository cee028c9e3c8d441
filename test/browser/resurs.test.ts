/**
 * Resurs Bank from the storefront: simplified flow with signing on the sandbox's signing page;
 * the hosted flow on Resurs' own page; and a payment frozen for review, shown "under review"
 * until the operator thaws it.
 */
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { launchBrowser, newPage, screenshot, type Browser } from '../support/browser';
import { eventually, startService, type TestService } from '../support/service';
import { createEvent, fillCheckout, ORDER_PAGE, orderFromApi, orderOf, statusShown, swedishCustomer } from '../support/storefront';

const { SIGNING, FROZEN, BOOKED, DENIED } = RESURS_TEST_PERSONS;
let service: TestService;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail before any server starts
  service = await startService();
  await createEvent(service, 'nordic', 'Nordic Nights', [{ id: 'seat', name: 'Seat', price: 1000, capacity: 10 }]);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

test('Resurs simplified: the customer signs on the signing page and lands on the completed order', async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'nordic', { quantities: { seat: 2 }, name: 'Olivia Williamsson', choice: 'resurs:simplified', resurs: { method: 'INVOICE', ...swedishCustomer(SIGNING.governmentId) } });
  expect(await page.isVisible('#resurs-customer')).toBe(true);
  await page.click('#pay');

  await page.waitForURL(/\/sandbox\/resurs\/sign\//);
  await page.click('button#sign');

  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'completed');
  const order = await orderFromApi(service, orderOf(page).orderId);
  expect(order).toMatchObject({ status: 'completed', amount: 2000, payment: { provider: 'resurs', method: 'INVOICE' } });
  expect(await page.$$('li.ticket svg')).toHaveLength(2);
  const text = (await page.textContent('body')) ?? '';
  expect(text).not.toContain(SIGNING.governmentId); // the customer view has no personal data
  expect(text).not.toContain('Olivia');
  await screenshot(page, 'resurs-signed-completed');
  expect(problems).toEqual([]);
  await context.close();
});

test('Resurs review: a frozen payment shows "under review"; thawed by the operator, the open page turns completed', async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'nordic', { quantities: { seat: 1 }, choice: 'resurs:simplified', resurs: swedishCustomer(FROZEN.governmentId) });
  await page.click('#pay');

  // Decided at once (no page at Resurs): the shop sends the customer straight to the order page.
  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'awaiting_payment');
  await page.waitForSelector('#review');
  expect(await page.textContent('#review')).toContain('reviewed');
  expect(await page.textContent('#status')).toBe('Under review');
  await screenshot(page, 'resurs-under-review');

  const operator = await context.newPage();
  await operator.goto(`${service.url}/sandbox/resurs/payments/${encodeURIComponent(orderOf(page).orderId)}`);
  await operator.click('button:has-text("Thaw")');
  await statusShown(page, 'completed');
  expect(await page.$$('li.ticket svg')).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
});

test("Resurs hosted: the customer pays on Resurs' own page and lands on the completed order", async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'nordic', { quantities: { seat: 1 }, choice: 'resurs:hosted', resurs: { method: 'PARTPAYMENT', ...swedishCustomer(BOOKED.governmentId) } });
  await page.click('#pay');
  await page.waitForURL(/\/sandbox\/resurs\/hostedflow\//);
  expect(await page.inputValue('#governmentId')).toBe(BOOKED.governmentId); // the shop sent it along
  await page.click('#pay-form button[type=submit]');

  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'completed');
  expect(await orderFromApi(service, orderOf(page).orderId)).toMatchObject({ payment: { provider: 'resurs', method: 'PARTPAYMENT' } });
  expect(await page.$$('li.ticket svg')).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
});

test('Resurs Checkout: the shop hands the order to /shop/rco.js, the purchase in its iframe completes the order', async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'nordic', { quantities: { seat: 1 }, choice: 'resurs:rco', resurs: { method: 'INVOICE' } });
  await page.click('#pay');
  // Resurs' iframe inside the shop's page (the sandbox's, same origin), the customer buys there.
  await page.waitForSelector('#rco-container iframe#rco-iframe');
  await screenshot(page, 'resurs-checkout-iframe');
  const iframe = page.frameLocator('#rco-iframe');
  await iframe.locator('#governmentId').fill(BOOKED.governmentId);
  await iframe.locator('#purchase').click();

  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'completed');
  const { orderId } = orderOf(page);
  expect(orderId).toMatch(/^ord-[0-9a-f]{20}$/);
  expect(await orderFromApi(service, orderId)).toMatchObject({ payment: { provider: 'resurs', method: 'INVOICE' } });
  expect(await page.$$('li.ticket svg')).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
});

test('Resurs Checkout: denied once, then bought in the same iframe; the order keeps the rejection row and message', async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'nordic', { quantities: { seat: 1 }, choice: 'resurs:rco', resurs: { method: 'INVOICE' } });
  await page.click('#pay');
  await page.waitForSelector('#rco-container iframe#rco-iframe');
  const iframe = page.frameLocator('#rco-iframe');

  // The denied test person: the iframe says checkout:purchase-denied, the page tells the customer and reports it.
  await iframe.locator('#governmentId').fill(DENIED.governmentId);
  await iframe.locator('#purchase').click();
  await page.waitForSelector('#rco-message:has-text("not approved")');
  // The iframe names the order it books for (Resurs' order reference = our order id).
  const id = (await iframe.locator('[data-reference]').textContent())!.trim();
  await screenshot(page, 'resurs-checkout-denied');
  await eventually(() => orderFromApi(service, id), (o) => o.payment.resurs?.rco_rejected?.length === 1);
  expect(await orderFromApi(service, id)).toMatchObject({ status: 'pending' });

  // Another person, the same iframe: the purchase completes the same order.
  await iframe.locator('#governmentId').fill(BOOKED.governmentId);
  await iframe.locator('#purchase').click();
  await page.waitForURL(ORDER_PAGE);
  await statusShown(page, 'completed');
  expect(orderOf(page).orderId).toBe(id);
  const order = await orderFromApi(service, id);
  expect(order.payment.resurs).toMatchObject({ checkoutType: 'rco', rco_rejected_once: true, rco_reject_message: expect.stringContaining('not approved') });
  expect(order.payment.resurs.rco_rejected).toEqual([expect.stringMatching(/^deny \(\d{4}-/)]);
  expect(problems).toEqual([]);
  await context.close();
});
