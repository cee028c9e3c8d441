/**
 * Who may call what: the shop's server with its API key; the customer's browser with its order's
 * client secret (status, no personal data, cancel); nobody else. Creating checkouts is limited.
 */
import { eventually, http, startService, type TestService } from '../support/service';
import { cardBody } from '../support/shop';

const API_TOKEN = 'shop-secret-key-0123456789';
const shop = { authorization: `Bearer ${API_TOKEN}` };
let service: TestService;
beforeAll(async () => {
  service = await startService({ API_TOKEN, CHECKOUT_RATE_LIMIT: '4/1m' });
  await http('POST', `${service.url}/events`, { id: 'hall', title: 'Hall', currency: 'JPY', ticketTypes: [{ id: 'seat', name: 'Seat', price: 1000, capacity: 10 }] });
});
afterAll(() => service?.stop());

const reserved = async () => (await http('GET', `${service.url}/events/hall`)).json.ticketTypes[0].reserved;

test('creating a checkout needs the API key; the answer carries the order\'s client secret', async () => {
  const stranger = await http('POST', `${service.url}/checkouts`, cardBody('acc-0', 'hall', 'seat'));
  expect(stranger.status).toBe(401);
  expect(stranger.json.error.code).toBe('unauthorized');
  const wrongKey = await http('POST', `${service.url}/checkouts`, cardBody('acc-0', 'hall', 'seat'), { authorization: 'Bearer not-the-key' });
  expect(wrongKey.status).toBe(401);
  expect(await reserved()).toBe(0);

  const opened = await http('POST', `${service.url}/checkouts`, cardBody('acc-1', 'hall', 'seat'), shop);
  expect(opened.status).toBe(201);
  expect(opened.json).toMatchObject({ orderId: 'acc-1', nextAction: { type: 'redirect', url: opened.json.redirectUrl } });
  expect(opened.json.clientSecret).toMatch(/^acc-1_secret_[A-Za-z0-9_-]{32}$/);
  const again = await http('POST', `${service.url}/checkouts`, cardBody('acc-1', 'hall', 'seat'), shop);
  expect(again.status).toBe(200);
  expect(again.json.clientSecret).toBe(opened.json.clientSecret);
});

test('the customer\'s client secret shows the order without personal data and cancels it; a guess shows nothing', async () => {
  const opened = await http('POST', `${service.url}/checkouts`, cardBody('acc-2', 'hall', 'seat'), shop);
  const secret = { 'x-client-secret': opened.json.clientSecret };

  expect((await http('GET', `${service.url}/checkouts/acc-2`)).status).toBe(401);
  const guessed = await http('GET', `${service.url}/checkouts/acc-2`, undefined, { 'x-client-secret': 'acc-2_secret_guess' });
  expect(guessed.status).toBe(404);
  expect(guessed.text).not.toContain('acc-2@example.com');
  expect((await http('GET', `${service.url}/checkouts/acc-1`, undefined, secret)).status).toBe(404); // another order's page

  const mine = await http('GET', `${service.url}/checkouts/acc-2`, undefined, secret);
  expect(mine.status).toBe(200);
  expect(mine.json).toMatchObject({ orderId: 'acc-2', status: 'pending', nextAction: { type: 'redirect' } });
  expect(mine.json.customer).toBeUndefined();
  expect(mine.text).not.toContain('acc-2@example.com');
  const full = await http('GET', `${service.url}/checkouts/acc-2`, undefined, shop);
  expect(full.json.customer).toEqual({ email: 'acc-2@example.com', name: 'Yui' });

  expect((await http('POST', `${service.url}/checkouts/acc-2/cancel`)).status).toBe(401);
  expect((await http('POST', `${service.url}/checkouts/acc-2/cancel`, undefined, { 'x-client-secret': 'nope' })).status).toBe(404);
  expect((await http('POST', `${service.url}/checkouts/acc-2/cancel`, undefined, secret)).status).toBe(202);
  await eventually(() => http('GET', `${service.url}/checkouts/acc-2`, undefined, secret), (res) => res.json.status === 'cancelled');
});

test('creating checkouts is rate-limited per client with a clear 429', async () => {
  // acc-1 (twice) and acc-2 above count too: the limit is 4 per minute for this key.
  const answers = [];
  for (let n = 3; n <= 5; n++) answers.push(await http('POST', `${service.url}/checkouts`, cardBody(`acc-${n}`, 'hall', 'seat'), shop));
  expect(answers.map((res) => res.status)).toEqual([201, 429, 429]);
  const limited = answers[1];
  expect(limited.json.error.code).toBe('rate_limited');
  expect(limited.headers.get('ratelimit-policy')).toContain('q=4');
  // Reading an order is not limited.
  expect((await http('GET', `${service.url}/checkouts/acc-1`, undefined, shop)).status).toBe(200);
});
