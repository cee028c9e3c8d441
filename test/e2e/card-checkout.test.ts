import { eventually, http, startService, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(() => service?.stop());

const checkoutBody = (orderId: string, quantity = 2) => ({
  orderId,
  eventId: 'budokan',
  items: [{ ticketTypeId: 'arena', quantity }],
  customer: { email: 'aki@example.com', name: 'Aki', locale: 'en' },
  payment: { provider: 'komoju', method: 'credit_card' },
});

test('a card checkout end to end: event → checkout → sandbox page → pay → return → completed, one email', async () => {
  const created = await http('POST', `${service.url}/events`, {
    id: 'budokan',
    title: 'Live at Budokan',
    currency: 'JPY',
    ticketTypes: [{ id: 'arena', name: 'Arena', price: 4500, capacity: 10 }],
  });
  expect(created.status).toBe(201);

  const opened = await http('POST', `${service.url}/checkouts`, checkoutBody('e2e-1'));
  expect(opened.status).toBe(201);
  expect(opened.json).toMatchObject({ orderId: 'e2e-1', workflowId: 'checkout-e2e-1', status: 'pending' });
  expect(opened.json.redirectUrl).toMatch(/\/sandbox\/komoju\/sessions\//);

  // Seats are held while the customer is at the provider.
  expect((await http('GET', `${service.url}/events/budokan`)).json.ticketTypes[0]).toMatchObject({ reserved: 2, available: 8, sold: 0 });

  // The customer sees the hosted page and pays with the test card.
  const page = await http('GET', opened.json.redirectUrl);
  expect(page.status).toBe(200);
  const action = /action="([^"]*\/pay)"/.exec(page.text)![1];
  const paid = await fetch(new URL(action, opened.json.redirectUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'number=4111111111111111&name=AKI+TANAKA&expiry=12%2F30&cvc=123',
  });
  expect(paid.status).toBe(303);
  const returnUrl = paid.headers.get('location')!;
  expect(returnUrl).toContain(`/checkouts/e2e-1/return?session_id=`);

  // Back at the shop: the return is verified with the provider and lands on the customer's own
  // order page (the client secret rides along, since the session id proves it is the customer).
  const back = await http('GET', returnUrl);
  expect(back.status).toBe(303);
  expect(back.headers.get('location')).toBe(`${service.url}/orders/e2e-1?clientSecret=${encodeURIComponent(opened.json.clientSecret)}`);

  const order = await eventually(
    () => http('GET', `${service.url}/checkouts/e2e-1`),
    (res) => res.json?.status === 'completed',
  );
  expect(order.json).toMatchObject({ statusCode: 1, amount: 9000, currency: 'JPY', payment: { provider: 'komoju', status: 'captured' } });
  expect(order.json.tickets).toHaveLength(2);

  const event = (await http('GET', `${service.url}/events/budokan`)).json;
  expect(event.ticketTypes[0]).toMatchObject({ capacity: 10, sold: 2, reserved: 0, available: 8 });
  expect(event.totalSales).toBe(9000);

  // Exactly one confirmation, with the ticket codes, even though the webhook and the return both reported the capture.
  const mails = await eventually(() => service.smtp.list(), (list) => list.length >= 1);
  expect(mails).toHaveLength(1);
  expect(mails[0].to).toEqual(['aki@example.com']);
  for (const ticket of order.json.tickets) expect(mails[0].text).toContain(ticket.code);
  expect(mails[0].text).toContain(back.headers.get('location')); // the mail's link opens the customer's own page

  // The storefront page shows the outcome to the customer, and only to them.
  const landing = await http('GET', back.headers.get('location')!);
  expect(landing.text).toContain('completed');
  for (const ticket of order.json.tickets) expect(landing.text).toContain(ticket.code);
  expect(landing.text).not.toContain('aki@example.com');
  const stranger = await http('GET', `${service.url}/orders/e2e-1`);
  expect(stranger.status).toBe(404);
  expect(stranger.text).not.toContain(order.json.tickets[0].code);
});

test('the customer cancels on the provider page: order cancelled, seats released', async () => {
  const opened = await http('POST', `${service.url}/checkouts`, checkoutBody('e2e-2', 3));
  expect(opened.status).toBe(201);
  const page = await http('GET', opened.json.redirectUrl);
  const action = /action="([^"]*\/cancel)"/.exec(page.text)![1];
  const cancelled = await fetch(new URL(action, opened.json.redirectUrl), { method: 'POST', redirect: 'manual' });
  expect(cancelled.status).toBe(303);
  await http('GET', cancelled.headers.get('location')!);
  const order = await eventually(() => http('GET', `${service.url}/checkouts/e2e-2`), (res) => res.json?.status === 'cancelled');
  expect(order.json.statusCode).toBe(4);
  const event = (await http('GET', `${service.url}/events/budokan`)).json;
  expect(event.ticketTypes[0]).toMatchObject({ reserved: 0, sold: 2, available: 8 });
});

test('the customer comes back without paying: a GET never cancels; the order page offers to continue or to cancel (POST)', async () => {
  const opened = await http('POST', `${service.url}/checkouts`, checkoutBody('e2e-3', 1));
  expect(opened.status).toBe(201);
  const sessionId = opened.json.redirectUrl.split('/').pop();
  // A link prefetcher, a double click, a stranger: the return is visited again and again.
  for (let visit = 0; visit < 3; visit++) {
    const back = await http('GET', `${service.url}/checkouts/e2e-3/return?session_id=${sessionId}`);
    expect(back.status).toBe(303);
  }
  const stranger = await http('GET', `${service.url}/checkouts/e2e-3/return`);
  expect(stranger.headers.get('location')).toBe(`${service.url}/orders/e2e-3`); // no secret for a visit without the session id
  expect((await http('GET', `${service.url}/checkouts/e2e-3`)).json.status).toBe('pending');
  expect((await http('GET', `${service.url}/events/budokan`)).json.ticketTypes[0]).toMatchObject({ reserved: 1 });

  // The customer's order page: "continue payment" leads back to the provider, "cancel" is a form POST.
  const page = await http('GET', `${service.url}/orders/e2e-3?clientSecret=${encodeURIComponent(opened.json.clientSecret)}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain(`href="${opened.json.redirectUrl}"`);
  const formAction = /<form method="post" action="([^"]+)">/.exec(page.text)![1];
  const secret = /name="clientSecret" value="([^"]+)"/.exec(page.text)![1];
  const cancel = await fetch(`${service.url}${formAction}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ clientSecret: secret }).toString(),
  });
  expect(cancel.status).toBe(303);
  await eventually(() => http('GET', `${service.url}/checkouts/e2e-3`), (res) => res.json?.status === 'cancelled');
  expect((await http('GET', `${service.url}/events/budokan`)).json.ticketTypes[0]).toMatchObject({ reserved: 0, sold: 2 });
  // The provider's page no longer takes money.
  const late = await fetch(`${opened.json.redirectUrl}/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'number=4111111111111111&name=LATE&expiry=12%2F30&cvc=123',
  });
  expect(late.status).toBe(409);
});
