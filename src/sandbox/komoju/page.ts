import { escapeHtml, sendPage } from '../html';
import { KONBINI_STORES } from './konbini';
import type { SessionDoc } from './store';

export { escapeHtml, sendPage };

/** The sandbox's hosted payment page: plain HTML, inline CSS, no scripts, no external assets. */

export const TEST_CARDS = {
  success: '4111111111111111',
  declined: '4000000000000002',
} as const;

export interface PageView {
  session: SessionDoc;
  /** Path prefix the sandbox is mounted at (e.g. `/sandbox/komoju`). */
  base: string;
  expired: boolean;
  /** Shown above the form (a decline, a typo). */
  error?: string;
  /** Form values to keep after an error (never the CVC). */
  form?: { name?: string; expiry?: string; store?: string; email?: string };
  /** Sandbox-only konbini deadline override (`?deadline_seconds=`), carried in the form. */
  deadlineSeconds?: number;
  /** A completed konbini session is not paid yet: it has a slip to show instead. */
  slipUrl?: string;
}


type Lang = 'ja' | 'en';
const TEXT = {
  en: {
    title: 'Pay', test: 'Sandbox: no real money moves', amount: 'Amount', order: 'Order',
    card: 'Card number', name: 'Name on card', expiry: 'Expiry (MM/YY)', cvc: 'CVC', pay: 'Pay',
    cancel: 'Cancel and return to the shop', cards: 'Test cards', ok: 'payment succeeds',
    declined: 'card is declined', anyExpiry: 'Any future expiry date and any 3-digit CVC.',
    completed: 'This session has been paid.', cancelled: 'This session was cancelled.',
    expiredText: 'This session has expired.', back: 'Return to the shop',
    unsupported: 'The sandbox cannot take this payment method yet:',
    konbini: 'Pay at a convenience store', email: 'Email (for the payment slip)', issue: 'Issue payment slip',
    konbiniNote: 'You pay in cash at the store before the deadline (3 days). In the sandbox the operator page plays the store.',
    deadlineOverride: 'Sandbox: the slip will expire {n} s after it is issued.',
    slipIssued: 'A payment slip has been issued for this session.', slip: 'How to pay at the store',
  },
  ja: {
    title: 'お支払い', test: 'サンドボックス：実際の決済は行われません', amount: '金額', order: '注文番号',
    card: 'カード番号', name: 'カード名義', expiry: '有効期限 (MM/YY)', cvc: 'セキュリティコード', pay: '支払う',
    cancel: 'キャンセルしてショップに戻る', cards: 'テストカード', ok: '決済成功',
    declined: 'カード拒否', anyExpiry: '有効期限は未来の日付、セキュリティコードは任意の3桁。',
    completed: 'このセッションは支払い済みです。', cancelled: 'このセッションはキャンセルされました。',
    expiredText: 'このセッションは有効期限切れです。', back: 'ショップに戻る',
    unsupported: 'この支払い方法はサンドボックスではまだ利用できません：',
    konbini: 'コンビニ払い', email: 'メールアドレス（払込票の送付先）', issue: '払込票を発行',
    konbiniNote: 'お支払い期限（3日後）までに店頭で現金でお支払いください。サンドボックスでは運営者ページが店舗の役を務めます。',
    deadlineOverride: 'サンドボックス：払込票は発行から {n} 秒後に期限切れになります。',
    slipIssued: 'このセッションの払込票は発行済みです。', slip: 'お支払い方法',
  },
} satisfies Record<Lang, Record<string, string>>;


export function formatAmount(amount: number, currency: string, lang: Lang): string {
  try {
    const format = new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 0;
    return format.format(amount / 10 ** digits);
  } catch {
    return `${amount} ${currency}`;
  }
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
  let body: string;
  if (session.status === 'completed' && view.slipUrl) {
    body = `${notice('completed', t.slipIssued, returnUrlFor(session), t.back)}<p><a href="${escapeHtml(view.slipUrl)}">${t.slip}</a></p>`;
  } else if (session.status === 'completed') body = notice('completed', t.completed, returnUrlFor(session), t.back);
  else if (session.status === 'cancelled') body = notice('cancelled', t.cancelled, returnUrlFor(session), t.back);
  else if (view.expired) body = notice('expired', t.expiredText, returnUrlFor(session), t.back);
  else body = `${view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : ''}${methods(view, action, t)}
<form method="post" action="${action}/cancel"><button class="secondary" type="submit">${t.cancel}</button></form>`;

  const items = session.line_items
    .map((i) => `<li>${escapeHtml(i.description)} × ${i.quantity}<span>${formatAmount(i.amount * i.quantity, session.currency, lang)}</span></li>`)
    .join('');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>KOMOJU sandbox · ${t.title}</title><style>${CSS}</style></head>
<body><main>
<header><strong>KOMOJU</strong> <span class="badge">${t.test}</span></header>
<section class="summary">
<div class="amount"><span>${t.amount}</span><strong data-amount="${session.amount}">${formatAmount(session.amount, session.currency, lang)}</strong></div>
${session.external_order_num ? `<div class="order">${t.order}: <code>${escapeHtml(session.external_order_num)}</code></div>` : ''}
${items ? `<ul class="items">${items}</ul>` : ''}
</section>
${body}
</main></body></html>`;
}

function methods(view: PageView, action: string, t: (typeof TEXT)[Lang]): string {
  const types = view.session.payment_types;
  const parts: string[] = [];
  if (types.includes('credit_card')) parts.push(cardForm(view, action, t));
  if (types.includes('konbini')) parts.push(konbiniForm(view, action, t));
  const other = types.filter((type) => type !== 'credit_card' && type !== 'konbini');
  if (other.length) parts.push(`<p class="muted">${t.unsupported} ${other.map(escapeHtml).join(', ')}</p>`);
  return parts.join('\n');
}

function cardForm(view: PageView, action: string, t: (typeof TEXT)[Lang]): string {
  const name = escapeHtml(view.form?.name ?? '');
  const expiry = escapeHtml(view.form?.expiry ?? '');
  return `<form method="post" action="${action}/pay" class="card">
<label>${t.card}<input name="number" inputmode="numeric" autocomplete="cc-number" required placeholder="4111 1111 1111 1111"></label>
<label>${t.name}<input name="name" autocomplete="cc-name" required value="${name}"></label>
<div class="row"><label>${t.expiry}<input name="expiry" autocomplete="cc-exp" required placeholder="12/30" value="${expiry}"></label>
<label>${t.cvc}<input name="cvc" inputmode="numeric" autocomplete="cc-csc" required placeholder="123"></label></div>
<button type="submit">${t.pay}</button>
</form>
<aside class="cards"><strong>${t.cards}</strong><ul>
<li><code>${TEST_CARDS.success}</code> ${t.ok}</li>
<li><code>${TEST_CARDS.declined}</code> ${t.declined}</li>
</ul><small>${t.anyExpiry}</small></aside>`;
}

function konbiniForm(view: PageView, action: string, t: (typeof TEXT)[Lang]): string {
  const stores = KONBINI_STORES.map(
    (s) => `<label class="store"><input type="radio" name="store" value="${s.id}" required${view.form?.store === s.id ? ' checked' : ''}> ${s.ja} / ${s.en}</label>`,
  ).join('\n');
  const email = view.session.email
    ? ''
    : `<label>${t.email}<input type="email" name="email" autocomplete="email" required value="${escapeHtml(view.form?.email ?? '')}"></label>`;
  const seconds = view.deadlineSeconds;
  const deadline = seconds
    ? `<input type="hidden" name="deadline_seconds" value="${seconds}"><small>${t.deadlineOverride.replace('{n}', String(seconds))}</small>`
    : '';
  return `<form method="post" action="${action}/konbini" class="konbini">
<fieldset><legend>${t.konbini}</legend>
${stores}
</fieldset>
${email}${deadline}
<button type="submit">${t.issue}</button>
<small>${t.konbiniNote}</small>
</form>`;
}

function notice(state: string, text: string, href: string, label: string): string {
  return `<p class="notice" data-state="${state}">${escapeHtml(text)}</p><p><a class="button" href="${escapeHtml(href)}">${escapeHtml(label)}</a></p>`;
}

export function renderNotFound(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>KOMOJU sandbox · not found</title>
<style>${CSS}</style></head><body><main><header><strong>KOMOJU</strong></header>
<p class="notice">No such session.</p></main></body></html>`;
}

export const CSS = `*{box-sizing:border-box}body{margin:0;background:#f4f5f7;font:16px/1.5 system-ui,sans-serif;color:#1d2330}
main{max-width:28rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 2px 12px #0001}
header{display:flex;gap:.5rem;align-items:center;margin-bottom:1rem}.badge{background:#fff3cd;color:#7a5b00;border-radius:4px;padding:0 .4rem;font-size:.75rem}
.amount{display:flex;justify-content:space-between;align-items:baseline}.amount strong{font-size:1.75rem}
.order,.muted,small{color:#5c6370;font-size:.875rem}.items{padding:0;list-style:none;font-size:.875rem}.items li{display:flex;justify-content:space-between}
form{margin:1rem 0}label{display:block;font-size:.875rem;margin:.5rem 0}input{display:block;width:100%;padding:.55rem;border:1px solid #c8ccd4;border-radius:6px;font:inherit}
.row{display:flex;gap:.75rem}.row label{flex:1}button,.button{display:block;width:100%;padding:.7rem;border:0;border-radius:6px;background:#1b63d6;color:#fff;font:inherit;text-align:center;text-decoration:none;cursor:pointer}
button.secondary{background:#fff;color:#1d2330;border:1px solid #c8ccd4}.error{background:#fdecea;color:#8a1c12;padding:.6rem;border-radius:6px}
.notice{font-weight:600}.cards{background:#f7f8fa;border-radius:6px;padding:.75rem;font-size:.875rem}.cards ul{margin:.25rem 0;padding-left:1.1rem}
fieldset{border:1px solid #c8ccd4;border-radius:6px;margin:0 0 .5rem}.store{display:flex;gap:.5rem;align-items:center;margin:.3rem 0}.store input{display:inline;width:auto}`;
