import { startSmtpCapture } from '../../src/stack/smtp';
import { eventually, http, startService, type TestService } from '../support/service';

let service: TestService;
beforeAll(async () => {
  service = await startService({ KONBINI_GRACE: '1s' });
  await http('POST', `${service.url}/events`, { id: 'fes', title: 'Summer Fes', currency: 'JPY', ticketTypes: [{ id: 'day', name: 'Day pass', price: 8000, capacity: 4 }] });
});
afterAll(() => service?.stop());

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  redirect: 'manual' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** The customer picks a store on the sandbox page, gets a slip and comes back to the shop. */
async function issueSlip(orderId: string, deadlineSeconds?: number) {
  const opened = await http('POST', `${service.url}/checkouts`, {
    orderId,
    eventId: 'fes',
    items: [{ ticketTypeId: 'day', quantity: 1 }],
    customer: { email: `${orderId}@example.com`, name: 'Hana', locale: 'ja' },
    payment: { provider: 'komoju', method: 'konbini' },
  });
  expect(opened.status).toBe(201);
  const sessionId = opened.json.redirectUrl.split('/').pop();
  const issued = await fetch(`${opened.json.redirectUrl}/konbini`, form({ store: 'lawson', ...(deadlineSeconds ? { deadline_seconds: String(deadlineSeconds) } : {}) }));
  expect(issued.status).toBe(303);
  expect((await http('GET', issued.headers.get('location')!)).status).toBe(303);
  const order = await eventually(() => http('GET', `${service.url}/checkouts/${orderId}`), (res) => res.json?.status === 'awaiting_payment');
  const auth = { authorization: `Basic ${Buffer.from(`${service.config.komoju.secretKey}:`).toString('base64')}` };
  const session = await http('GET', `${service.url}/sandbox/komoju/api/v1/sessions/${sessionId}`, undefined, auth);
  return { order: order.json, paymentId: session.json.payment.id as string };
}

const mailsTo = async (address: string) => (await service.smtp.list()).filter((m) => m.to.includes(address));

test('konbini: slip issued → awaiting_payment with the instructions mail → paid at the store → completed', async () => {
  const { order, paymentId } = await issueSlip('kon-1');
  expect(order).toMatchObject({ statusCode: 5, payment: { method: 'konbini', status: 'pending', pending: { kind: 'konbini' }, konbini: { store: 'lawson' } } });
  expect(Date.parse(order.payment.konbini.deadline)).toBeGreaterThan(Date.now() + 24 * 3_600_000);
  expect(order.payment.konbini.instructionsUrl).toContain(`/payments/${paymentId}/instructions`);
  const instructions = await eventually(() => mailsTo('kon-1@example.com'), (mails) => mails.length === 1);
  expect(instructions[0].subject).toContain('コンビニ');
  expect(instructions[0].text).toContain(order.payment.konbini.confirmationCode);
  expect((await http('GET', `${service.url}/events/fes`)).json.ticketTypes[0]).toMatchObject({ reserved: 1, sold: 0 });

  const paid = await http('POST', `${service.url}/sandbox/komoju/payments/${paymentId}/pay-at-store`, {});
  expect(paid.status).toBe(200);
  const done = await eventually(() => http('GET', `${service.url}/checkouts/kon-1`), (res) => res.json?.status === 'completed');
  expect(done.json.tickets).toHaveLength(1);
  const mails = await eventually(() => mailsTo('kon-1@example.com'), (list) => list.length === 2);
  expect(mails.map((m) => m.subject).join()).toContain('チケット');
  expect((await http('GET', `${service.url}/events/fes`)).json).toMatchObject({ totalSales: 8000, ticketTypes: [{ reserved: 0, sold: 1 }] });
});

test('konbini: nobody pays → expired after the deadline, seats released, one expiry mail', async () => {
  const { order } = await issueSlip('kon-2', 2);
  expect(Date.parse(order.payment.konbini.deadline)).toBeLessThan(Date.now() + 60_000);
  const expired = await eventually(() => http('GET', `${service.url}/checkouts/kon-2`), (res) => res.json?.status === 'expired');
  expect(expired.json.statusCode).toBe(4);
  expect(Date.parse(expired.json.history.at(-1).at)).toBeGreaterThanOrEqual(Date.parse(order.payment.konbini.deadline));
  const mails = await eventually(() => mailsTo('kon-2@example.com'), (list) => list.length === 2);
  expect(mails.some((m) => m.subject.includes('期限'))).toBe(true);
  const day = (await http('GET', `${service.url}/events/fes`)).json.ticketTypes[0];
  expect(day.reserved).toBe(0);
});

test('SMTP down: a slip paid at the store still completes; both mails go out once SMTP is back, once each', async () => {
  const { port } = new URL(service.smtp.url);
  await service.smtp.stop();
  try {
    const { paymentId } = await issueSlip('kon-3');
    expect((await http('POST', `${service.url}/sandbox/komoju/payments/${paymentId}/pay-at-store`, {})).status).toBe(200);
    // The instructions mail is still being retried: the order does not wait for it.
    const done = await eventually(() => http('GET', `${service.url}/checkouts/kon-3`), (res) => res.json?.status === 'completed');
    expect(done.json.tickets).toHaveLength(1);
    expect(await mailsTo('kon-3@example.com')).toHaveLength(0);
  } finally {
    service.smtp = await startSmtpCapture({ dir: service.smtp.dir, port: Number(port) });
  }
  const mails = await eventually(() => mailsTo('kon-3@example.com'), (list) => list.length >= 2, 90_000);
  expect(mails.map((m) => m.subject).sort()).toEqual([expect.stringContaining('コンビニ'), expect.stringContaining('チケット')].sort());
  expect(mails).toHaveLength(2);
}, 120_000);
