import { escapeHtml, formatMoney, fromMinorUnits, paymentPage, postButton, sandboxPage, sendPage } from '../html';
import { KONBINI_STORES } from './konbini';
import type { SessionDoc } from './store';

export { escapeHtml, sendPage };

/**
 * The sandbox's hosted payment page (KOMOJU's session page): the shop's order, the card form
 * (prefilled with the success test card) and/or the konbini store choice, Cancel; the test
 * buttons (pay with the success or the declined card) in the sandbox panel. Ids: `#pay` (card),
 * `#issue-slip` (konbini), `#cancel`, `#test-pay`, `#test-decline`.
 */

export const TEST_CARDS = {
  success: '4111111111111111',
  declined: '4000000000000002',
} as const;

export interface PageView {
  session: SessionDoc;
  /** Path prefix the sandbox is mounted at (e.g. `/sandbox/komoju`). */
  base: string;
  /** The merchant's name on the page. */
  merchantName: string;
  expired: boolean;
  /** Shown above the form (a decline, a typo). */
  error?: string;
  /** Form values to keep after an error (never the card number or the CVC). */
  form?: { name?: string; expiry?: string; store?: string; email?: string };
  /** Sandbox-only konbini deadline override (`?deadline_seconds=`), carried in the form. */
  deadlineSeconds?: number;
  /** A completed konbini session is not paid yet: it has a slip to show instead. */
  slipUrl?: string;
}

type Lang = 'ja' | 'en';
const TEXT = {
  en: {
    title: 'Pay', card: 'Credit card', number: 'Card number', name: 'Name on card', expiry: 'Expiry (MM/YY)', cvc: 'CVC',
    pay: 'Pay {amount}', cancel: 'Cancel and return to the shop', cards: 'Test cards', ok: 'payment succeeds',
    declined: 'card is declined', anyExpiry: 'Any future expiry date and any 3-digit CVC.',
    testPay: 'Pay with the success card', testDecline: 'Pay with the declined card',
    completed: 'This session has been paid.', cancelled: 'This session was cancelled.',
    expiredText: 'This session has expired.', back: 'Return to the shop',
    unsupported: 'The sandbox cannot take this payment method yet:',
    konbini: 'Pay at a convenience store', store: 'Choose a store', email: 'Email (for the payment slip)', issue: 'Issue payment slip',
    konbiniNote: 'You pay in cash at the store before the deadline (3 days).',
    deadlineOverride: 'Sandbox: the slip will expire {n} s after it is issued.',
    shortDeadline: 'Reload with a slip due in 2 minutes', playStore: 'After the slip is issued, play the store (pay, expire, cancel) on the operator console.',
    slipIssued: 'A payment slip has been issued for this session.', slip: 'How to pay at the store', operator: 'Operator console',
  },
  ja: {
    title: 'お支払い', card: 'クレジットカード', number: 'カード番号', name: 'カード名義', expiry: '有効期限 (MM/YY)', cvc: 'セキュリティコード',
    pay: '{amount} を支払う', cancel: 'キャンセルしてショップに戻る', cards: 'テストカード', ok: '決済成功',
    declined: 'カード拒否', anyExpiry: '有効期限は未来の日付、セキュリティコードは任意の3桁。',
    testPay: '成功するカードで支払う', testDecline: '拒否されるカードで支払う',
    completed: 'このセッションは支払い済みです。', cancelled: 'このセッションはキャンセルされました。',
    expiredText: 'このセッションは有効期限切れです。', back: 'ショップに戻る',
    unsupported: 'この支払い方法はサンドボックスではまだ利用できません：',
    konbini: 'コンビニ払い', store: 'お支払いのコンビニを選択', email: 'メールアドレス（払込票の送付先）', issue: '払込票を発行',
    konbiniNote: 'お支払い期限（3日後）までに店頭で現金でお支払いください。',
    deadlineOverride: 'サンドボックス：払込票は発行から {n} 秒後に期限切れになります。',
    shortDeadline: '期限2分の払込票で試す', playStore: '払込票の発行後、運営者ページで店舗の役（入金・期限切れ・キャンセル）を務めます',
    slipIssued: 'このセッションの払込票は発行済みです。', slip: 'お支払い方法', operator: '運営者ページ',
  },
} satisfies Record<Lang, Record<string, string>>;
type Text = (typeof TEXT)[Lang];

/** `amount` in KOMOJU's units (the currency's smallest), e.g. 3000 JPY → `¥3,000`. */
export function formatAmount(amount: number, currency: string, lang: Lang): string {
  return formatMoney(fromMinorUnits(amount, currency), currency, lang);
}

export function returnUrlFor(session: Pick<SessionDoc, '_id' | 'return_url'>): string {
  const url = new URL(session.return_url);
  url.searchParams.set('session_id', session._id);
  return url.toString();
}

export function renderSessionPage(view: PageView): string {
  const { session } = view;
  const lang: Lang = session.default_locale === 'ja' ? 'ja' : 'en';
  const t = TEXT[lang];
  const action = `${view.base}/sessions/${encodeURIComponent(session._id)}`;
  const operator = `<p><a href="${escapeHtml(`${view.base}/`)}">${t.operator}</a></p>`;
  let body: string;
  let testControls = operator;
  if (session.status === 'completed' && view.slipUrl) {
    body = `${notice('completed', t.slipIssued, returnUrlFor(session), t.back)}<p><a href="${escapeHtml(view.slipUrl)}">${t.slip}</a></p>`;
  } else if (session.status === 'completed') body = notice('completed', t.completed, returnUrlFor(session), t.back);
  else if (session.status === 'cancelled') body = notice('cancelled', t.cancelled, returnUrlFor(session), t.back);
  else if (view.expired) body = notice('expired', t.expiredText, returnUrlFor(session), t.back);
  else {
    body = `${methods(view, action, t, lang)}
${postButton(`${action}/cancel`, t.cancel, { id: 'cancel', variant: 'secondary' })}`;
    testControls = `${testButtons(view, action, t)}${operator}`;
  }
  return paymentPage({
    provider: 'komoju',
    shop: view.merchantName,
    reference: session.external_order_num,
    amount: fromMinorUnits(session.amount, session.currency),
    currency: session.currency,
    items: session.line_items.map((i) => ({ name: i.description, quantity: i.quantity, amount: fromMinorUnits(i.amount * i.quantity, session.currency) })),
    title: t.title,
    lang,
    error: view.error,
    body,
    testControls,
  });
}

function methods(view: PageView, action: string, t: Text, lang: Lang): string {
  const types = view.session.payment_types;
  const parts: string[] = [];
  if (types.includes('credit_card')) parts.push(cardForm(view, action, t, lang));
  if (types.includes('konbini')) parts.push(konbiniForm(view, action, t));
  const other = types.filter((type) => type !== 'credit_card' && type !== 'konbini');
  if (other.length) parts.push(`<p class="muted">${t.unsupported} ${other.map(escapeHtml).join(', ')}</p>`);
  return parts.join('\n');
}

/** A valid test expiry: December, five years after the session was made. */
function testExpiry(session: SessionDoc): string {
  return `12/${String((session.created_at.getUTCFullYear() + 5) % 100).padStart(2, '0')}`;
}

function cardForm(view: PageView, action: string, t: Text, lang: Lang): string {
  const name = escapeHtml(view.form?.name || 'TARO YAMADA');
  const expiry = escapeHtml(view.form?.expiry || testExpiry(view.session));
  const amount = formatAmount(view.session.amount, view.session.currency, lang);
  return `<form method="post" action="${action}/pay" class="method card" id="card-form">
<h2>${t.card}</h2>
<label>${t.number}<input id="card-number" name="number" inputmode="numeric" autocomplete="cc-number" required value="4111 1111 1111 1111"></label>
<label>${t.name}<input id="card-name" name="name" autocomplete="cc-name" required value="${name}"></label>
<div class="row"><label>${t.expiry}<input id="card-expiry" name="expiry" autocomplete="cc-exp" required placeholder="MM/YY" value="${expiry}"></label>
<label>${t.cvc}<input id="card-cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required value="123"></label></div>
<button type="submit" id="pay">${t.pay.replace('{amount}', amount)}</button>
</form>`;
}

function konbiniForm(view: PageView, action: string, t: Text): string {
  const stores = KONBINI_STORES.map(
    (s) => `<label class="choice"><input type="radio" name="store" value="${s.id}" required${view.form?.store === s.id ? ' checked' : ''}> ${s.ja} / ${s.en}</label>`,
  ).join('\n');
  const email = view.session.email
    ? ''
    : `<label>${t.email}<input type="email" id="konbini-email" name="email" autocomplete="email" required value="${escapeHtml(view.form?.email ?? '')}"></label>`;
  const seconds = view.deadlineSeconds;
  const deadline = seconds
    ? `<input type="hidden" name="deadline_seconds" value="${seconds}"><small>${t.deadlineOverride.replace('{n}', String(seconds))}</small>`
    : '';
  return `<form method="post" action="${action}/konbini" class="method konbini" id="konbini-form">
<h2>${t.konbini}</h2>
<fieldset><legend>${t.store}</legend>
${stores}
</fieldset>
${email}${deadline}
<button type="submit" id="issue-slip">${t.issue}</button>
<small>${t.konbiniNote}</small>
</form>`;
}

/** The sandbox panel: one-click card payments, the test cards, konbini helpers. */
function testButtons(view: PageView, action: string, t: Text): string {
  const parts: string[] = [];
  const types = view.session.payment_types;
  if (types.includes('credit_card')) {
    const card = (number: string) => ({ number, name: 'TARO YAMADA', expiry: testExpiry(view.session), cvc: '123' });
    parts.push(`<div class="actions">${postButton(`${action}/pay`, t.testPay, { id: 'test-pay', fields: card(TEST_CARDS.success), variant: 'test' })}
${postButton(`${action}/pay`, t.testDecline, { id: 'test-decline', fields: card(TEST_CARDS.declined), variant: 'test' })}</div>
<p><strong>${t.cards}</strong></p><ul>
<li><code>${TEST_CARDS.success}</code> ${t.ok}</li>
<li><code>${TEST_CARDS.declined}</code> ${t.declined}</li>
</ul><small>${t.anyExpiry}</small>`);
  }
  if (types.includes('konbini')) {
    parts.push(`<ul><li><a id="test-short-deadline" href="?deadline_seconds=120">${t.shortDeadline}</a></li><li>${t.playStore}</li></ul>`);
  }
  return parts.join('\n');
}

function notice(state: string, text: string, href: string, label: string): string {
  return `<p class="notice" data-state="${state}">${escapeHtml(text)}</p><p><a class="button" id="return" href="${escapeHtml(href)}">${escapeHtml(label)}</a></p>`;
}

export function renderNotFound(): string {
  return sandboxPage('komoju', 'Not found', '<h1>Not found</h1><p class="notice">No such session.</p>');
}

export function renderError(): string {
  return sandboxPage('komoju', 'Error', '<h1>Something went wrong</h1><p>Please try again.</p>');
}
