/**
 * The storefront's pages over plain HTTP: what `/` lists, the security headers and the absence
 * of inline code (the CSP forbids it), the static files, languages; and with API_TOKEN set, no
 * shop (the browser could not create checkouts) but the order page as before.
 */
import { http, startService, type TestService } from '../support/service';
import { cardBody } from '../support/shop';

const API_TOKEN = 'shop-secret-key-0123456789';
let open: TestService;
let withToken: TestService;
beforeAll(async () => {
  [open, withToken] = await Promise.all([startService(), startService({ API_TOKEN })]);
  for (const [service, headers] of [[open, {}], [withToken, { authorization: `Bearer ${API_TOKEN}` }]] as const) {
    const res = await http('POST', `${service.url}/events`, { id: 'hall', title: 'Hall <Live> & "Friends"', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1500, capacity: 3 }] }, headers);
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await Promise.all([open?.stop(), withToken?.stop()]);
});

function expectPageHeaders(headers: Headers) {
  const csp = headers.get('content-security-policy') ?? '';
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'self'", "base-uri 'none'"]) expect(csp).toContain(directive);
  expect(csp).toMatch(/frame-src 'self'/);
  expect(csp).not.toContain('unsafe-inline');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('content-type')).toMatch(/^text\/html/);
}

/** Nothing the CSP would block: every script is a file (or a JSON data block), no inline styles or handlers. */
function expectNoInlineCode(html: string) {
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/ src="\/shop\/[a-z]+\.js"| type="application\/json"/);
  expect(html).not.toMatch(/<style|\sstyle="|\son[a-z]+="/i);
}

test('/ lists the events with prices and seats left, offers every enabled payment, and loads its scripts as files', async () => {
  const page = await http('GET', `${open.url}/?lang=en`);
  expect(page.status).toBe(200);
  expectPageHeaders(page.headers);
  expectNoInlineCode(page.text);
  expect(page.text).toContain('Hall &#60;Live&#62; &#38; &#34;Friends&#34;'); // escaped
  expect(page.text).toMatch(/<td>¥1,500<\/td>\s*<td class="seats" data-available="3">3<\/td>/);
  for (const choice of ['komoju:credit_card', 'komoju:konbini', 'resurs:simplified', 'resurs:hosted', 'resurs:rco']) expect(page.text).toContain(`value="${choice}"`);
  expect(page.text).toContain('<script src="/shop/rco.js" defer></script>');
  expect(page.text).toContain('<div id="rco-container"></div>');

  // Seats held by a checkout are no longer offered.
  expect((await http('POST', `${open.url}/checkouts`, cardBody('sf-1', 'hall', 'seat', 'credit_card', 2))).status).toBe(201);
  expect((await http('GET', `${open.url}/?lang=en`)).text).toContain('data-available="1">1<');
});

test('the language: ?lang= wins, else the browser\'s Accept-Language, else Japanese', async () => {
  const lang = async (query: string, accept?: string) => /<html lang="(\w+)">/.exec((await http('GET', `${open.url}/${query}`, undefined, accept ? { 'accept-language': accept } : {})).text)?.[1];
  expect(await lang('')).toBe('ja');
  expect(await lang('', 'en-GB,en;q=0.9')).toBe('en');
  expect(await lang('', 'sv-SE,en;q=0.8,ja;q=0.5')).toBe('en');
  expect(await lang('?lang=ja', 'en')).toBe('ja');
  expect(await lang('?lang=xx', 'ja')).toBe('ja');
});

test('the static files are served as what they are, nosniff; an unknown one falls through to 404', async () => {
  for (const [file, type] of [['shop.js', /javascript/], ['order.js', /javascript/], ['shop.css', /text\/css/]] as const) {
    const res = await http('GET', `${open.url}/shop/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  }
  expect((await http('GET', `${open.url}/shop/nothing.js`)).status).toBe(404);
});

test('the order page: security headers, no inline code, and a pending order offers to continue or cancel', async () => {
  const opened = await http('POST', `${open.url}/checkouts`, cardBody('sf-2', 'hall', 'seat'));
  const page = await http('GET', `${open.url}/orders/sf-2?clientSecret=${encodeURIComponent(opened.json.clientSecret)}`);
  expect(page.status).toBe(200);
  expectPageHeaders(page.headers);
  expectNoInlineCode(page.text);
  expect(page.text).toContain('<html lang="en">'); // the customer's locale
  expect(page.text).toContain('data-status="pending"');
  expect(page.text).toContain(`href="${opened.json.redirectUrl}"`);
  expect(page.text).not.toContain('sf-2@example.com');
  const refused = await http('GET', `${open.url}/orders/sf-2?clientSecret=wrong`);
  expect(refused.status).toBe(404);
  expectPageHeaders(refused.headers);
  expect(refused.text).not.toContain('Hall');
});

test('with API_TOKEN the shop is not served (the browser cannot create checkouts); the order page is', async () => {
  expect((await http('GET', `${withToken.url}/`)).status).toBe(404);
  const opened = await http('POST', `${withToken.url}/checkouts`, cardBody('sf-3', 'hall', 'seat'), { authorization: `Bearer ${API_TOKEN}` });
  expect(opened.status).toBe(201);
  const page = await http('GET', `${withToken.url}/orders/sf-3?clientSecret=${encodeURIComponent(opened.json.clientSecret)}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('data-status="pending"');
  expect(page.text).not.toContain('href="/?lang='); // no link to a shop that is not here
  expect((await http('GET', `${withToken.url}/shop/order.js`)).status).toBe(200);
});
