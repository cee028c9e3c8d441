/**
 * The order page's panel for every status, rendered from an order document: what each state
 * shows and offers, in both languages, and that nothing from outside is trusted as markup or link.
 */
import type { OrderDoc } from '../../src/db/schema';
import type { OrderStatus } from '../../src/domain/checkout';
import { liveKey, renderNotFound, renderPanel } from '../../src/storefront/order-page';
import { customerView } from '../../src/checkout/request';
import { jstDateTime, langOf } from '../../src/storefront/i18n';

const SECRET = 'o-1_secret_abc';

function order(status: OrderStatus, payment: Partial<OrderDoc['payment']> = {}, extra: Partial<OrderDoc> = {}): OrderDoc {
  return {
    _id: 'o-1',
    requestHash: 'h',
    workflowId: 'checkout-o-1',
    eventId: 'ev',
    items: [{ ticketTypeId: 'general', quantity: 2, name: 'General <b>', unitPrice: 1500 }],
    amount: 3000,
    currency: 'JPY',
    customer: { email: 'private@example.com', name: 'Private Person', locale: 'en' },
    clientSecret: SECRET,
    payment: { provider: 'komoju', method: 'credit_card', reference: 'sess_1', paymentId: null, status: 'open', ...payment },
    status,
    statusCode: 0,
    history: [],
    createdAt: new Date(),
    updatedAt: new Date(),
    ...extra,
  };
}

const panel = async (doc: OrderDoc, lang: 'ja' | 'en' = 'en') => (await renderPanel(doc, SECRET, lang)).text;

test('pending: continue payment (a web link only) and the cancel form carrying the secret', async () => {
  const html = await panel(order('pending', { nextAction: { type: 'redirect', url: 'https://pay.example/s/1' } }));
  expect(html).toContain('data-status="pending"');
  expect(html).toContain('<a id="continue-payment" class="button" href="https://pay.example/s/1">Continue payment</a>');
  expect(html).toContain('<form method="post" action="/checkouts/o-1/cancel"><input type="hidden" name="clientSecret" value="o-1_secret_abc">');
  expect(html).toContain('General &#60;b&#62; × 2'); // escaped

  const sneaky = await panel(order('pending', { nextAction: { type: 'redirect', url: 'javascript:alert(1)' } }));
  expect(sneaky).not.toContain('href="javascript:');
  expect(sneaky).toContain('Your payment is being processed');
  const none = await panel(order('pending', { nextAction: { type: 'none' } }));
  expect(none).not.toContain('continue-payment');
  expect(none).toContain('id="cancel"');
});

test('awaiting a konbini payment: store, amount, deadline in JST, code and instructions; cancellable', async () => {
  const deadline = '2026-03-01T14:59:59.000Z'; // 23:59:59 in Tokyo
  const doc = order('awaiting_payment', {
    method: 'konbini',
    status: 'pending',
    pending: { kind: 'konbini', reason: 'slip', deadline, settleBy: deadline },
    konbini: { store: 'family-mart', deadline, instructionsUrl: 'https://pay.example/i', confirmationCode: '123456' },
  });
  const en = await panel(doc);
  expect(en).toContain('>Waiting for payment at the store<');
  expect(en).toContain('data-store="family-mart">FamilyMart<');
  expect(en).toContain(`<time id="konbini-deadline" datetime="${deadline}">Sunday, March 1, 2026 at 11:59 PM JST</time>`);
  expect(en).toContain('<code id="konbini-code">123456</code>');
  expect(en).toContain('href="https://pay.example/i"');
  expect(en).toContain('id="cancel"');
  const ja = await panel(doc, 'ja');
  expect(ja).toContain('ファミリーマート');
  expect(ja).toContain('2026年3月1日日曜日 23:59（日本時間）');
  expect(ja).toContain('コンビニでのお支払い待ち');
  expect(ja).toContain('￥3,000');
});

test('under review, completed with QR codes, and the closed states', async () => {
  const review = await panel(order('awaiting_payment', { provider: 'resurs', pending: { kind: 'review', reason: 'fraud control', settleBy: '2026-03-04T00:00:00Z' } }));
  expect(review).toContain('>Under review<');
  expect(review).toContain('id="review"');

  const done = await panel(order('completed', { status: 'captured' }, { tickets: [{ code: 'ABC123', ticketTypeId: 'general' }, { code: 'DEF456', ticketTypeId: 'general' }] }));
  expect(done.match(/<li class="ticket" data-code="[A-Z0-9]+"><figure><svg role="img"/g)).toHaveLength(2);
  expect(done).not.toContain('id="cancel"');

  for (const [status, text] of [['cancelled', 'was cancelled'], ['expired', 'deadline passed'], ['refunded', 'being returned'], ['refund_required', 'contact you']] as const) {
    const html = await panel(order(status));
    expect(html).toContain(`data-status="${status}"`);
    expect(html).toContain(text);
    expect(html).not.toContain('id="cancel"');
  }
});

test('never any personal data; the live key changes exactly with what the page shows', async () => {
  for (const status of ['pending', 'awaiting_payment', 'completed', 'cancelled'] as const) {
    const html = await panel(order(status));
    expect(html).not.toContain('private@example.com');
    expect(html).not.toContain('Private Person');
  }
  const pending = order('pending', { nextAction: { type: 'redirect', url: 'https://pay.example/1' } });
  expect(liveKey(customerView(pending))).toBe('pending|open||0|https://pay.example/1');
  expect(liveKey(customerView({ ...pending, updatedAt: new Date(0), history: [{ at: 'x', status: 'pending', reason: 'r' }] }))).toBe(liveKey(customerView(pending)));
  expect(liveKey(customerView(order('completed', {}, { tickets: [{ code: 'A', ticketTypeId: 'g' }] })))).toBe('completed|open||1|');
});

test('the not-found page and the language helpers', () => {
  expect(renderNotFound('ja').text).toContain('ご注文が見つかりません');
  expect(langOf(undefined, undefined, 'en')).toBe('en');
  expect(langOf('ja', undefined, 'en')).toBe('ja');
  expect(jstDateTime('2026-01-01T00:00:00Z', 'en')).toBe('Thursday, January 1, 2026 at 9:00 AM JST');
});
