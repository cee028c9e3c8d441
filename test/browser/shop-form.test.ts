/**
 * The shop's checkout form: errors shown next to their field and announced, focus on the first;
 * refusals (sold out, 429, 503) at the form; a retry after 503 keeps its orderId; and Resurs
 * Checkout handed to window.resursCheckout with the body POST /checkouts would have got.
 */
import { launchBrowser, newPage, screenshot, type Browser, type Page } from '../support/browser';
import { http, startService, type TestService } from '../support/service';
import { createEvent, fillCheckout, swedishCustomer } from '../support/storefront';

let service: TestService;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(); // first: without Chromium, fail before any server starts
  service = await startService();
  await createEvent(service, 'club', 'Club Night', [
    { id: 'entry', name: 'Entry', price: 2500, capacity: 10 },
    { id: 'vip', name: 'VIP', price: 9000, capacity: 1 },
  ]);
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const focused = (page: Page) => page.evaluate('document.activeElement && document.activeElement.id') as Promise<string>;
/** The checkouts the page asked the API for (bodies as sent). */
function postsOf(page: Page): unknown[] {
  const posts: unknown[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/checkouts') posts.push(req.postDataJSON());
  });
  return posts;
}

test('no ticket chosen: said at the tickets, announced, focus on the first quantity; nothing sent', async () => {
  const { page, context, problems } = await newPage(browser);
  const posts = postsOf(page);
  await fillCheckout(page, service, 'club', { quantities: {} });
  await page.click('#pay');
  await page.waitForSelector('#form-error:not([hidden])');
  expect(await page.getAttribute('#form-error', 'role')).toBe('alert');
  expect(await page.textContent('#err-items')).toBe('Choose at least one ticket.');
  expect(await page.getAttribute('#f-qty-entry', 'aria-invalid')).toBe('true');
  expect(await focused(page)).toBe('f-qty-entry');
  expect(posts).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

test("the API's 400 names the field: its message beside it, aria-invalid, described by it, focused", async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'club', { quantities: { entry: 1 }, email: 'not-an-email' });
  await page.click('#pay');
  await page.waitForSelector('#err-customer-email:not([hidden])');
  expect(await page.textContent('#err-customer-email')).toMatch(/email/i);
  expect(await page.getAttribute('#f-customer-email', 'aria-invalid')).toBe('true');
  expect(await page.getAttribute('#f-customer-email', 'aria-describedby')).toBe('err-customer-email');
  expect(await page.textContent('#form-error')).toBe('Please correct the marked fields.');
  expect(await focused(page)).toBe('f-customer-email');
  await screenshot(page, 'shop-form-error');

  // Corrected and sent again: the old messages go, the customer goes on to pay.
  await page.fill('#f-customer-email', 'aki@example.com');
  await page.click('#pay');
  await page.waitForURL(/\/sandbox\/komoju\/sessions\//);
  expect(problems).toEqual([]);
  await context.close();
});

test('Resurs without the details Resurs needs: each missing field marked, the first focused; a malformed id named by the API (in Japanese)', async () => {
  const { page, context, problems } = await newPage(browser, { locale: 'ja-JP' });
  const posts = postsOf(page);
  await fillCheckout(page, service, 'club', { quantities: { entry: 1 }, choice: 'resurs:simplified', resurs: { method: 'PARTPAYMENT' } }, 'ja');
  await page.click('#pay');
  await page.waitForSelector('#form-error:not([hidden])');
  expect(await page.textContent('#form-error')).toBe('入力内容をご確認ください。');
  for (const id of ['customer-governmentId', 'customer-phone', 'customer-address-addressRow1', 'customer-address-postalCode', 'customer-address-postalArea']) {
    expect(await page.getAttribute(`#f-${id}`, 'aria-invalid')).toBe('true');
    expect(await page.textContent(`#err-${id}`)).toBe('この項目を入力してください。');
  }
  expect(await focused(page)).toBe('f-customer-governmentId');
  await screenshot(page, 'shop-form-resurs-missing');
  expect(posts).toEqual([]);

  await fillCheckout(page, service, 'club', { quantities: { entry: 1 }, choice: 'resurs:simplified', resurs: { method: 'PARTPAYMENT', ...swedishCustomer('12 34') } }, 'ja');
  await page.click('#pay');
  await page.waitForSelector('#err-customer-governmentId:not([hidden])');
  expect(await page.textContent('#err-customer-governmentId')).toBe('must be a national identity number');
  expect(await page.getAttribute('#f-customer-phone', 'aria-invalid')).toBeNull();
  expect(await focused(page)).toBe('f-customer-governmentId');
  expect(posts).toHaveLength(1);
  expect(problems).toEqual([]);
  await context.close();
});

test('sold out: a 409 said at the form and at the tickets', async () => {
  const { page, context, problems } = await newPage(browser);
  await fillCheckout(page, service, 'club', { quantities: { vip: 2 } });
  await page.click('#pay');
  await page.waitForSelector('#form-error:not([hidden])');
  expect(await page.textContent('#form-error')).toBe('Sorry, not enough seats are left for this order.');
  expect(await page.isVisible('#err-items')).toBe(true);
  expect(await focused(page)).toBe('f-qty-entry');
  expect(problems).toEqual([]);
  await context.close();
});

test('429 and 503 said at the form; asking again after a 503 keeps the orderId, a changed order gets a new one', async () => {
  const { page, context, problems } = await newPage(browser);
  const posts = postsOf(page) as Array<{ orderId: string }>;
  const answers = [
    { status: 429, body: { error: { code: 'rate_limited', message: 'too many checkouts' } } },
    { status: 503, body: { error: { code: 'provider_unavailable', message: 'not answering' } } },
  ];
  // The API's own 429 and 503 are tested in test/api; here the page's handling of them.
  await page.route('**/checkouts', (route) => {
    const answer = answers.shift();
    return answer ? route.fulfill({ status: answer.status, contentType: 'application/json', body: JSON.stringify(answer.body) }) : route.continue();
  });
  await fillCheckout(page, service, 'club', { quantities: { entry: 2 } });
  await page.click('#pay');
  await page.waitForSelector('#form-error:text("Too many attempts")');
  expect(await focused(page)).toBe('form-error');
  await page.click('#pay');
  await page.waitForSelector('#form-error:text("not answering")');
  await page.click('#pay'); // the same order again: joins the first attempt
  await page.waitForURL(/\/sandbox\/komoju\/sessions\//);
  expect(posts).toHaveLength(3);
  expect(posts[2].orderId).toBe(posts[1].orderId);
  expect(posts[1].orderId).not.toBe(posts[0].orderId); // a 429 is not kept: nothing was made
  expect((await http('GET', `${service.url}/checkouts/${posts[2].orderId}`)).json.status).toBe('pending');
  expect(problems).toEqual([]);
  await context.close();
});

test('Resurs Checkout: window.resursCheckout.start gets the POST /checkouts body and the empty #rco-container; the page posts nothing itself', async () => {
  const { page, context, problems } = await newPage(browser);
  const posts = postsOf(page);
  // Stands in for /shop/rco.js (built separately): records what it was given.
  await page.route('**/shop/rco.js', (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: 'window.resursCheckout = { start(body, el) { window.rcoCall = { body, id: el.id, empty: el.childElementCount === 0 }; el.textContent = "iframe here"; } };',
    }),
  );
  await fillCheckout(page, service, 'club', { quantities: { entry: 1 }, choice: 'resurs:rco', resurs: { method: 'CARD' } });
  expect(await page.isHidden('#resurs-customer')).toBe(true); // Resurs' own form asks for these
  await page.click('#pay');
  await page.waitForSelector('#rco-container:text("iframe here")');
  const call = (await page.evaluate('window.rcoCall')) as { body: Record<string, unknown>; id: string; empty: boolean };
  expect(call.id).toBe('rco-container');
  expect(call.empty).toBe(true);
  expect(call.body).toEqual({
    orderId: expect.stringMatching(/^ord-[0-9a-f]{20}$/), // Resurs Checkout takes no "_" in order ids
    eventId: 'club',
    items: [{ ticketTypeId: 'entry', quantity: 1 }],
    customer: { name: 'Aki Tanaka', email: 'aki@example.com', locale: 'en' },
    payment: { provider: 'resurs', method: 'CARD', flow: 'rco' },
  });
  expect(posts).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});

test('Resurs Checkout when its script is missing: an error at the form, nothing posted', async () => {
  const { page, context, problems } = await newPage(browser);
  const posts = postsOf(page);
  await page.route('**/shop/rco.js', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'not here' }));
  await fillCheckout(page, service, 'club', { quantities: { entry: 1 }, choice: 'resurs:rco', resurs: {} });
  await page.click('#pay');
  await page.waitForSelector('#form-error:not([hidden])');
  expect(await page.textContent('#form-error')).toContain('Resurs Checkout is not available');
  expect(posts).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});
