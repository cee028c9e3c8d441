import { fromMinorUnits, paymentPage, sandboxPage } from '../html';
import { formatJst, konbiniStore } from './konbini';
import { escapeHtml, formatAmount } from './page';
import type { PaymentDoc, SessionDoc } from './store';
import type { WebhookDeliveryDoc } from './webhooks';

/**
 * Sandbox-only pages: the operator console (plays the convenience store and the clock) and the
 * customer's konbini payment instructions. Plain HTML, no scripts, the shared look (../html.ts).
 */

function layout(title: string, body: string): string {
  return sandboxPage('komoju', title, body, { wide: true, operator: true });
}

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

const when = (date: Date | null) => (date ? formatJst(date) : '');

function storeName(payment: PaymentDoc): string {
  const details = payment.payment_details as { store?: unknown };
  const store = konbiniStore(details.store);
  return store ? `${store.ja} / ${store.en}` : String(details.store ?? '');
}

export function renderIndex(base: string, sessions: SessionDoc[], payments: PaymentDoc[]): string {
  const sessionRows = sessions
    .map(
      (s) => `<tr data-session="${escapeHtml(s._id)}"><td>${link(`${base}/sessions/${s._id}`, s._id)}</td><td class="status">${s.status}</td>
<td>${escapeHtml(s.payment_types.join(', '))}</td><td>${formatAmount(s.amount, s.currency, 'en')}</td><td>${escapeHtml(s.external_order_num ?? '')}</td>
<td>${when(s.created_at)}</td><td>${s.payment_id ? link(`${base}/payments/${s.payment_id}`, 'payment') : ''}</td></tr>`,
    )
    .join('\n');
  const paymentRows = payments
    .map(
      (p) => `<tr data-payment="${escapeHtml(p._id)}"><td>${link(`${base}/payments/${p._id}`, p._id)}</td><td class="status">${p.status}</td>
<td>${escapeHtml(p.payment_details.type)}${p.payment_details.type === 'konbini' ? ` (${escapeHtml(storeName(p))})` : ''}</td>
<td>${formatAmount(p.amount, p.currency, 'en')}</td><td>${escapeHtml(p.external_order_num ?? '')}</td><td>${when(p.payment_deadline)}</td><td>${when(p.created_at)}</td></tr>`,
    )
    .join('\n');
  return layout(
    'operator',
    `<h1>Sandbox operator</h1>
<p class="muted">Open a payment to play the store (pay at store), the clock (expire) or the merchant (cancel). ${link(`${base}/webhooks`, 'Webhook deliveries (JSON)')}</p>
<h2>Payments</h2>
<table><thead><tr><th>id</th><th>status</th><th>method</th><th>amount</th><th>order</th><th>deadline</th><th>created</th></tr></thead>
<tbody>${paymentRows || '<tr><td colspan="7">None yet.</td></tr>'}</tbody></table>
<h2>Sessions</h2>
<table><thead><tr><th>id</th><th>status</th><th>methods</th><th>amount</th><th>order</th><th>created</th><th></th></tr></thead>
<tbody>${sessionRows || '<tr><td colspan="7">None yet.</td></tr>'}</tbody></table>`,
  );
}

export interface OperatorView {
  base: string;
  payment: PaymentDoc;
  deliveries: WebhookDeliveryDoc[];
  error?: string;
}

const ACTIONS = [
  { path: 'pay-at-store', label: 'Pay at store', from: ['authorized'], konbiniOnly: true, style: '' },
  { path: 'expire', label: 'Expire now', from: ['pending', 'authorized'], konbiniOnly: false, style: ' class="secondary"' },
  { path: 'cancel', label: 'Cancel payment', from: ['pending', 'authorized'], konbiniOnly: false, style: ' class="danger"' },
];

export function renderOperatorPage(view: OperatorView): string {
  const { payment: p, base } = view;
  const konbini = p.payment_details.type === 'konbini';
  const details = p.payment_details as Record<string, unknown>;
  const self = `${base}/payments/${encodeURIComponent(p._id)}`;
  const rows: [string, string][] = [
    ['Status', `<span class="status" data-status="${p.status}">${p.status}</span>`],
    ['Amount', formatAmount(p.amount, p.currency, 'en')],
    ['Method', escapeHtml(p.payment_details.type)],
    ['Order', escapeHtml(p.external_order_num ?? '')],
    ['Session', p.session ? link(`${base}/sessions/${p.session}`, p.session) : ''],
    ['Created', when(p.created_at)],
  ];
  if (konbini) {
    rows.push(
      ['Store', escapeHtml(storeName(p))],
      ['Deadline', `${when(p.payment_deadline)} <small>(${p.payment_deadline?.toISOString() ?? ''})</small>`],
      ['Confirmation code', `<code>${escapeHtml(String(details.confirmation_code ?? ''))}</code>`],
      ['Receipt', `<code>${escapeHtml(String(details.receipt ?? ''))}</code>`],
      ['Customer email', escapeHtml(String(details.email ?? ''))],
      ['Instructions', link(`${self}/instructions`, 'customer instructions page')],
    );
  }
  if (p.captured_at) rows.push(['Captured', when(p.captured_at)]);
  if (p.cancelled_at) rows.push(['Cancelled', when(p.cancelled_at)]);
  const buttons = ACTIONS.filter((a) => a.from.includes(p.status) && (konbini || !a.konbiniOnly))
    .map((a) => `<form method="post" action="${self}/${a.path}"><button type="submit"${a.style}>${a.label}</button></form>`)
    .join('\n');
  const hooks = view.deliveries
    .map((d) => `<tr><td>${escapeHtml(d.type)}</td><td>${d.status}</td><td>${d.attempts}</td><td>${d.last_status ?? escapeHtml(d.last_error ?? '')}</td><td>${when(d.created_at)}</td></tr>`)
    .join('\n');
  return layout(
    `payment ${p._id}`,
    `<p>${link(`${base}/`, '← all payments')}</p>
<h1>Payment <code>${escapeHtml(p._id)}</code></h1>
${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}
<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<h2>Operator actions</h2>
<div class="actions">${buttons || '<p class="muted">None: the payment is final.</p>'}</div>
<h2>Webhooks</h2>
<table><thead><tr><th>event</th><th>delivery</th><th>attempts</th><th>last reply</th><th>created</th></tr></thead>
<tbody>${hooks || '<tr><td colspan="5">None.</td></tr>'}</tbody></table>`,
  );
}

export interface InstructionsView {
  /** Path prefix the sandbox is mounted at. */
  base: string;
  merchantName: string;
}

/** The customer's konbini slip (the payment's `instructions_url`), in Japanese and English. */
export function renderInstructions(payment: PaymentDoc, view: InstructionsView): string {
  const details = payment.payment_details as Record<string, unknown>;
  const deadline = payment.payment_deadline;
  const code = escapeHtml(String(details.confirmation_code ?? ''));
  const receipt = escapeHtml(String(details.receipt ?? ''));
  const state: Record<string, [string, string]> = {
    captured: ['お支払いは完了しています。', 'This payment has been made.'],
    expired: ['お支払い期限が過ぎたため、この番号は無効です。', 'The deadline has passed: this number is void.'],
    cancelled: ['このお支払いはキャンセルされました。', 'This payment was cancelled.'],
  };
  const notice = state[payment.status];
  const operator = `${view.base}/payments/${encodeURIComponent(payment._id)}`;
  return paymentPage({
    provider: 'komoju',
    shop: view.merchantName,
    reference: payment.external_order_num,
    amount: fromMinorUnits(payment.amount, payment.currency),
    currency: payment.currency,
    title: 'コンビニでのお支払い方法 / How to pay at the store',
    lang: 'ja',
    body: `${notice ? `<p class="notice" data-state="${payment.status}">${notice[0]}<br>${notice[1]}</p>` : ''}
<h1>コンビニでのお支払い方法 / How to pay at the store</h1>
<dl>
<dt>店舗 / Store</dt><dd data-store="${escapeHtml(String(details.store ?? ''))}">${escapeHtml(storeName(payment))}</dd>
<dt>金額 / Amount</dt><dd data-amount="${payment.amount}">${formatAmount(payment.amount, payment.currency, 'ja')}</dd>
<dt>お支払い期限 / Deadline</dt><dd data-deadline="${deadline?.toISOString() ?? ''}">${deadline ? `${formatJst(deadline, 'ja')}<br>${formatJst(deadline)}` : ''}</dd>
<dt>確認番号 / Confirmation code</dt><dd><code data-confirmation-code>${code}</code></dd>
<dt>受付番号 / Receipt number</dt><dd><code data-receipt>${receipt}</code></dd>
</dl>
<p>店頭のレジまたは端末で上記の番号を入力・提示し、期限までに現金でお支払いください。</p>
<p>Give these numbers at the register (or enter them at the in-store terminal) and pay in cash before the deadline.</p>`,
    testControls: `<p>店舗の役（入金・期限切れ・キャンセル）/ Play the store (pay, expire, cancel): <a id="test-operator" href="${escapeHtml(operator)}">運営者ページ / operator page</a></p>`,
  });
}

export function renderOperatorNotFound(): string {
  return layout('not found', '<h1>Not found</h1><p class="notice">No such payment.</p>');
}
