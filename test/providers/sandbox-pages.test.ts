/** The sandboxes' shared page look (src/sandbox/html.ts) and the pages built on it, rendered without servers. */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { formatMoney, fromMinorUnits, PAGE_CSP, paymentPage, sendPage } from '../../src/sandbox/html';
import { renderSessionPage, TEST_CARDS } from '../../src/sandbox/komoju/page';
import type { SessionDoc } from '../../src/sandbox/komoju/store';
import { renderHostedPage, renderSigningPage } from '../../src/sandbox/resurs/pages';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs/persons';
import type { HostedSessionDoc, PaymentDoc } from '../../src/sandbox/resurs/store';

/** Every `<style>` block's text must be allowed by the CSP's hashes (no 'unsafe-inline'). */
function expectStylesAllowed(html: string): void {
  const blocks = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  expect(blocks.length).toBeGreaterThan(0);
  for (const css of blocks) expect(PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`);
  expect(html).not.toMatch(/<script|<link|src=|style="/);
}

const session = (over: Partial<SessionDoc> = {}): SessionDoc => ({
  _id: 'sess1',
  status: 'pending',
  amount: 9000,
  currency: 'JPY',
  return_url: 'https://shop.example/checkouts/o1/return',
  session_url: '',
  default_locale: 'en',
  email: 'aki@example.com',
  payment_types: ['credit_card'],
  external_order_num: 'o1',
  metadata: {},
  line_items: [{ description: 'Arena <VIP>', amount: 4500, quantity: 2 }],
  created_at: new Date('2026-01-01T00:00:00Z'),
  expires_at: new Date('2026-01-02T00:00:00Z'),
  completed_at: null,
  cancelled_at: null,
  payment_id: null,
  ...over,
});

describe('sandbox pages', () => {
  it('formats money per currency: JPY without decimals, SEK with 2; KOMOJU minor units', () => {
    expect(formatMoney(9000, 'JPY')).toBe('¥9,000');
    expect(formatMoney(9000, 'JPY', 'ja')).toBe('￥9,000');
    expect(formatMoney(1250, 'SEK').replace(/\s/g, ' ')).toBe('1 250,00 kr');
    expect(formatMoney(12.5, 'USD')).toBe('$12.50');
    expect(fromMinorUnits(1250, 'USD')).toBe(12.5);
    expect(fromMinorUnits(1250, 'JPY')).toBe(1250);
  });

  it('paymentPage: provider, shop, reference, items, amount; everything escaped; the test panel marked', () => {
    const html = paymentPage({
      provider: 'resurs',
      shop: 'Björk & <Co>',
      reference: 'o"1',
      amount: 1250,
      currency: 'SEK',
      items: [{ name: '<b>Seat</b>', quantity: 2, amount: 1250 }],
      title: 'Pay',
      body: '<p id="customer">customer</p>',
      testControls: '<p id="shortcut">shortcut</p>',
      error: '<oops>',
    });
    expect(html).toContain('<span class="logo">Resurs Bank</span>');
    expect(html).toContain('Björk &#38; &#60;Co&#62;');
    expect(html).toContain('<code data-reference>o&#34;1</code>');
    expect(html).toContain('&#60;b&#62;Seat&#60;/b&#62;');
    expect(html).toContain('data-amount="1250" data-currency="SEK"');
    expect(html).toContain('role="alert">&#60;oops&#62;</p>');
    expect(html).toMatch(/<section class="test-controls"[^>]*>\s*<h2[^>]*>SANDBOX — test buttons<\/h2>[\s\S]*id="shortcut"/);
    expect(html.indexOf('id="customer"')).toBeLessThan(html.indexOf('<section class="test-controls"'));
    expectStylesAllowed(html);
  });

  it('KOMOJU card page: the card prefilled with the success card, #pay, #cancel, test buttons', () => {
    const html = renderSessionPage({ session: session(), base: '/sandbox/komoju', merchantName: 'Budokan Tickets', expired: false });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Budokan Tickets');
    expect(html).toContain('name="number" inputmode="numeric" autocomplete="cc-number" required value="4111 1111 1111 1111"');
    expect(html).toMatch(/<button type="submit" id="pay">Pay ¥9,000<\/button>/);
    expect(html).toContain('action="/sandbox/komoju/sessions/sess1/cancel" class="inline"><button type="submit" id="cancel"');
    expect(html).toContain(`<input type="hidden" name="number" value="${TEST_CARDS.declined}">`);
    expect(html).toMatch(/id="test-pay"[^>]*>Pay with the success card/);
    expect(html).toContain('Arena &#60;VIP&#62;');
    expectStylesAllowed(html);

    const konbini = renderSessionPage({ session: session({ default_locale: 'ja', payment_types: ['konbini'] }), base: '/k', merchantName: 'Shop', expired: false });
    expect(konbini).toContain('<html lang="ja">');
    expect(konbini).toContain('id="issue-slip"');
    expect(konbini).toContain('SANDBOX — テスト用ボタン');
    expect(konbini).not.toContain('name="number"');
  });

  it('Resurs signing page: Sign with BankID (#sign), cancel (#back), fail in the test panel', () => {
    const doc = {
      _id: 'rs-1',
      paymentMethodId: 'INVOICE',
      customer: { governmentId: '198801082382', address: { fullName: 'Olivia', addressRow1: '', postalArea: '', postalCode: '', country: 'SE' } },
      orderData: { specLines: [{ description: 'Seat', quantity: 1, totalAmount: 1250 }], totalAmount: 1250 },
      signing: { token: 't0k' },
    } as unknown as PaymentDoc;
    const html = renderSigningPage('/sandbox/resurs', doc, 'Nordic Tickets');
    expect(html).toMatch(/action="\/sandbox\/resurs\/sign\/rs-1\/sign" class="inline"><input type="hidden" name="token" value="t0k"><button type="submit" id="sign">Sign with BankID/);
    expect(html).toContain('id="back"');
    const panel = html.slice(html.indexOf('<section class="test-controls"'));
    expect(panel).toContain('action="/sandbox/resurs/sign/rs-1/fail"');
    expect(panel).toContain('id="fail"');
    expect(html).toContain('Invoice (Faktura)');
    expect(html.replace(/\s/g, ' ')).toContain('1 250,00 kr');
    expectStylesAllowed(html);
  });

  it('Resurs hosted page: personal identity number and #pay; the test persons in the panel', () => {
    const hosted = {
      _id: 'h1',
      preferredId: 'rs-2',
      status: 'open',
      payload: { orderData: { totalAmount: 99.5, orderLines: [] }, paymentData: { paymentMethodId: 'CARD' }, customer: { address: { country: 'SE' } } },
    } as unknown as HostedSessionDoc;
    const html = renderHostedPage('/r', hosted, 'Nordic Tickets');
    expect(html).toContain('id="governmentId" name="governmentId"');
    expect(html).toMatch(/<button type="submit" id="pay">Pay 99,50\skr<\/button>/);
    const panel = html.slice(html.indexOf('<section class="test-controls"'));
    for (const person of Object.values(RESURS_TEST_PERSONS)) expect(panel).toContain(`value="${person.governmentId}"`);
    expect(panel).toContain(`value="${RESURS_TEST_PERSONS.BOOKED.governmentId}" checked`);
    expect(panel).toContain('id="test-pay"');
    expectStylesAllowed(html);
  });

  it('sendPage answers with the CSP, nosniff, no-store and no framing', async () => {
    const app = express();
    app.get('/', (_req, res) => sendPage(res, 200, '<!doctype html><p>x</p>'));
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; frame-ancestors 'none'$/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
