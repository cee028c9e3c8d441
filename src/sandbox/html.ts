/**
 * What every sandbox page shares: one small stylesheet, one layout, the headers. Plain
 * server-rendered HTML, no scripts, no external assets (the machine may be offline); every
 * action is a form that POSTs, so pages work without JavaScript and in headless browsers.
 *
 * - `paymentPage(view)`: a provider's customer-facing page. A header with the provider's name,
 *   the shop, the order reference, the items and the amount; the customer's own controls; then
 *   the bordered "SANDBOX — test buttons" panel for shortcuts a real provider does not have.
 * - `sandboxPage(...)`: the same look for notices and operator consoles.
 * - `postButton(...)`: a one-button form. Main buttons carry a stable id named after the action
 *   they post to (`#pay`, `#cancel`, `#sign`, `#fail`, `#back`; test shortcuts `#test-…`).
 * - `sendPage(res, status, html)`: the answer, with a CSP that allows this stylesheet only.
 *
 * Trusted HTML goes in `body` / `testControls`: escape whatever you interpolate (`escapeHtml`).
 * The CSP blocks any other `<style>` element and all `style=""` attributes: add rules to `CSS`.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'express';

export type PageLang = 'en' | 'ja' | 'sv';
export type ProviderBrand = 'komoju' | 'resurs';

export const PROVIDER_NAMES: Readonly<Record<ProviderBrand, string>> = { komoju: 'KOMOJU', resurs: 'Resurs Bank' };

/** The merchant name a sandbox shows when it was given none (option `merchantName`). */
export const DEFAULT_MERCHANT_NAME = 'Sandbox Ticket Shop';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---------------------------------------------------------------- money

const NORDIC: Record<string, string> = { SEK: 'sv-SE', NOK: 'nb-NO', DKK: 'da-DK' };

function numberLocale(currency: string, lang: PageLang): string {
  if (lang === 'ja') return 'ja-JP';
  if (lang === 'sv') return 'sv-SE';
  return NORDIC[currency] ?? 'en-US';
}

/** How many decimals the currency has (JPY 0, SEK 2); 2 for a code Intl does not know. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** KOMOJU-style amounts (the currency's smallest unit) to major units: 1250 USD cents → 12.5. */
export function fromMinorUnits(amount: number, currency: string): number {
  return amount / 10 ** currencyDigits(currency);
}

/** `¥3,000` / `￥3,000` (JPY, no decimals), `1 250,00 kr` (SEK, 2 decimals); `amount` in major units. */
export function formatMoney(amount: number, currency: string, lang: PageLang = 'en'): string {
  try {
    const digits = currencyDigits(currency);
    return new Intl.NumberFormat(numberLocale(currency, lang), {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${amount} ${escapeHtml(currency)}`;
  }
}

// ---------------------------------------------------------------- layout

const TEXT = {
  en: {
    ribbon: 'Sandbox: a test page, no real money moves.', badge: 'Sandbox', payTo: 'Pay to', order: 'Order',
    items: 'Items', total: 'Total', testTitle: 'SANDBOX — test buttons',
    testNote: 'Shortcuts for testing. A real payment page has none of this.', operator: 'Sandbox operator',
  },
  ja: {
    ribbon: 'サンドボックス：テスト用のページです。実際の決済は行われません。', badge: 'サンドボックス', payTo: 'お支払い先',
    order: '注文番号', items: 'ご注文内容', total: 'お支払い金額', testTitle: 'SANDBOX — テスト用ボタン',
    testNote: 'テスト用のショートカットです。実際の決済ページにはありません。', operator: 'サンドボックス運営者',
  },
  sv: {
    ribbon: 'Sandlåda: en testsida, inga riktiga pengar flyttas.', badge: 'Sandlåda', payTo: 'Betalning till', order: 'Order',
    items: 'Varor', total: 'Att betala', testTitle: 'SANDBOX — testknappar',
    testNote: 'Genvägar för test. En riktig betalsida har inget av detta.', operator: 'Sandlådans operatör',
  },
} satisfies Record<PageLang, Record<string, string>>;

export interface PageItem {
  name: string;
  quantity: number;
  /** The line's total in major units, if known. */
  amount?: number;
}

export interface PaymentPageView {
  /** Whose page it is: the name in the header and the colours. */
  provider: ProviderBrand;
  /** The merchant, as the provider's account names it (the sandboxes' `merchantName` option). */
  shop: string;
  /** The shop's order reference (KOMOJU `external_order_num`, Resurs payment id). */
  reference?: string | null;
  /** In major units: 3000 (JPY), 1250.5 (SEK). See `fromMinorUnits`. */
  amount: number;
  currency: string;
  items?: PageItem[];
  /** What the page is for, e.g. "Pay" (in the document title). */
  title: string;
  lang?: PageLang;
  /** Shown above the body (a decline, a typo); escaped here. */
  error?: string;
  /** The customer's controls: trusted HTML. */
  body: string;
  /** Sandbox-only shortcuts, in the bordered "SANDBOX — test buttons" panel: trusted HTML. */
  testControls?: string;
}

/** A provider's customer-facing payment page (see the file's comment). */
export function paymentPage(view: PaymentPageView): string {
  const lang = view.lang ?? 'en';
  const t = TEXT[lang];
  const money = (amount: number) => formatMoney(amount, view.currency, lang);
  const items = (view.items ?? [])
    .map(
      (i) =>
        `<li><span>${escapeHtml(i.name)} <span class="qty">× ${i.quantity}</span></span>${i.amount === undefined ? '' : `<span>${money(i.amount)}</span>`}</li>`,
    )
    .join('');
  const summary = `<section class="summary" aria-label="${escapeHtml(t.order)}">
<p class="merchant"><span class="muted">${t.payTo}</span> <strong data-shop>${escapeHtml(view.shop)}</strong></p>
${view.reference ? `<p class="reference">${t.order}: <code data-reference>${escapeHtml(view.reference)}</code></p>` : ''}
${items ? `<ul class="items" aria-label="${t.items}">${items}</ul>` : ''}
<p class="total"><span>${t.total}</span><strong class="amount" data-amount="${view.amount}" data-currency="${escapeHtml(view.currency)}">${money(view.amount)}</strong></p>
</section>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<section class="customer">
${view.body}
</section>
${view.testControls ? testPanel(view.testControls, lang) : ''}`;
  return document(view.provider, view.title, lang, header(view.provider, t.badge), summary, false);
}

/** The bordered panel of sandbox-only controls (what `paymentPage` puts under the page). */
export function testPanel(controls: string, lang: PageLang = 'en'): string {
  const t = TEXT[lang];
  return `<section class="test-controls" aria-labelledby="test-controls-title">
<h2 id="test-controls-title">${t.testTitle}</h2>
<p class="muted">${t.testNote}</p>
${controls}
</section>`;
}

export interface SandboxPageOptions {
  lang?: PageLang;
  /** Wide layout, for operator consoles' tables. */
  wide?: boolean;
  /** An operator console rather than a customer's page (says so in the header). */
  operator?: boolean;
}

/** Notices and operator pages: the same look, no payment summary. `body` is trusted HTML. */
export function sandboxPage(provider: ProviderBrand, title: string, body: string, options: SandboxPageOptions = {}): string {
  const lang = options.lang ?? 'en';
  const t = TEXT[lang];
  return document(provider, title, lang, header(provider, options.operator ? t.operator : t.badge), body, options.wide ?? false);
}

function header(provider: ProviderBrand, badge: string): string {
  return `<header class="provider"><span class="logo">${PROVIDER_NAMES[provider]}</span> <span class="badge">${escapeHtml(badge)}</span></header>`;
}

function document(provider: ProviderBrand, title: string, lang: PageLang, head: string, body: string, wide: boolean): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · ${PROVIDER_NAMES[provider]} sandbox</title><style>${CSS}</style></head>
<body class="brand-${provider}">
<p class="ribbon" role="note">${TEXT[lang].ribbon}</p>
<main class="${wide ? 'page wide' : 'page'}">
${head}
${body}
</main>
</body></html>`;
}

export interface PostButtonOptions {
  /** Stable id for scripts and headless browsers (e.g. `pay`). */
  id?: string;
  /** Hidden fields posted with the button. */
  fields?: Record<string, string>;
  variant?: 'primary' | 'secondary' | 'danger' | 'test';
}

/** A form with one button that POSTs `fields` to `action` (works without JavaScript). */
export function postButton(action: string, label: string, options: PostButtonOptions = {}): string {
  const hidden = Object.entries(options.fields ?? {})
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const id = options.id ? ` id="${escapeHtml(options.id)}"` : '';
  const variant = options.variant && options.variant !== 'primary' ? ` class="${options.variant}"` : '';
  return `<form method="post" action="${escapeHtml(action)}" class="inline">${hidden}<button type="submit"${id}${variant}>${escapeHtml(label)}</button></form>`;
}

// ---------------------------------------------------------------- style and headers

/** The one stylesheet (inline; the CSP allows exactly this text by its hash). ASCII only. */
export const CSS = `*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1d2330;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
.brand-komoju{--brand:#1b63d6;--brand-ink:#fff;--tint:#eef4ff}.brand-resurs{--brand:#00644b;--brand-ink:#fff;--tint:#e8f3ef}
.ribbon{margin:0;padding:.35rem 1rem;background:#ffd84d;color:#3d3000;font-size:.8rem;font-weight:600;text-align:center}
main.page{max-width:30rem;margin:1.5rem auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 12px #0002}
main.wide{max-width:64rem}
header.provider{display:flex;gap:.6rem;align-items:center;margin:-1.5rem -1.5rem 1rem;padding:.9rem 1.5rem;background:var(--brand);color:var(--brand-ink);border-radius:12px 12px 0 0}
.logo{font-weight:800;font-size:1.15rem;letter-spacing:.04em}.badge{border:1px solid currentColor;border-radius:1rem;padding:0 .5rem;font-size:.75rem}
h1{font-size:1.3rem;margin:.5rem 0}h2{font-size:1.05rem;margin:1.25rem 0 .5rem}
.summary{background:var(--tint);border-radius:8px;padding:.75rem 1rem;margin-bottom:1rem}.summary p{margin:.2rem 0}
.items{list-style:none;padding:0;margin:.5rem 0;font-size:.9rem}.items li{display:flex;justify-content:space-between;gap:1rem}.qty{color:#5c6370}
.total{display:flex;justify-content:space-between;align-items:baseline;border-top:1px solid #0001;padding-top:.4rem}.amount{font-size:1.6rem}
.muted,small{color:#5c6370;font-size:.875rem}small{display:block}
form{margin:1rem 0}form.inline{margin:.4rem 0}label{display:block;font-size:.9rem;margin:.5rem 0}
input[type=text],input[type=email],input:not([type]){display:block;width:100%;padding:.55rem;border:1px solid #aab0bb;border-radius:6px;font:inherit;margin-top:.2rem}
.row{display:flex;gap:.75rem}.row label{flex:1}
button,.button{display:block;width:100%;padding:.7rem;border:0;border-radius:6px;background:var(--brand);color:var(--brand-ink);font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:#1d2330;border:1px solid #aab0bb;font-weight:400}button.danger{background:#b3261e;color:#fff}
button.test{background:#fff;color:#3d3000;border:2px dashed #b38f00}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #ffb020;outline-offset:2px}
fieldset{border:1px solid #aab0bb;border-radius:6px;margin:0 0 .5rem}legend{font-weight:600;padding:0 .3rem}
.choice{display:flex;gap:.5rem;align-items:center;margin:.3rem 0}
.error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:6px}.notice{font-weight:600}
.method{border:1px solid #d9dce2;border-radius:8px;padding:.25rem 1rem 1rem;margin:1rem 0}
.bankid{text-align:center}.bankid-mark{display:inline-block;margin:.5rem auto;padding:.5rem .9rem;border-radius:8px;background:#193e4f;color:#fff;font-weight:800;letter-spacing:.05em}
.test-controls{margin-top:1.5rem;border:3px dashed #b38f00;border-radius:8px;padding:.25rem 1rem 1rem;background:#fffbea}
.test-controls h2{margin:.5rem 0 0;color:#6b5400;text-transform:uppercase;font-size:.9rem;letter-spacing:.05em}
.test-controls ul{margin:.25rem 0;padding-left:1.1rem;font-size:.875rem}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin:1rem 0}.actions form{margin:0}.actions button{width:auto;padding:.5rem 1rem}
table{width:100%;border-collapse:collapse;font-size:.875rem}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #e3e5e9;vertical-align:top}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;font-size:.9rem}dt{color:#5c6370}dd{margin:0;word-break:break-all}
.status{font-weight:600}code{font-size:.9em}`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`;

/**
 * Nothing is loaded (`default-src 'none'`), the one stylesheet is allowed by its hash, pages are
 * never framed. Forms may post anywhere: their 303s lead back to the shop's own URLs.
 */
export const PAGE_CSP = `default-src 'none'; style-src ${STYLE_HASH}; base-uri 'none'; frame-ancestors 'none'`;

/** A page the shop frames (Resurs Checkout's iframe): its own script and calls, framed by `shopOrigin` only. */
export function embeddedPageCsp(shopOrigin: string): string {
  return `default-src 'none'; style-src ${STYLE_HASH}; script-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors ${shopOrigin}`;
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Sends a page with the headers above; `headers` adds or replaces some (e.g. a page meant to be framed). */
export function sendPage(res: Response, status: number, html: string, headers: Record<string, string> = {}): void {
  res.status(status).set({ ...PAGE_HEADERS, ...headers }).send(html);
}
