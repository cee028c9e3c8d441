import { escapeHtml, sendPage } from '../html';
import { RESURS_TEST_PERSONS } from './persons';
import type { HostedSessionDoc, PaymentDoc } from './store';

export { escapeHtml, sendPage };

/** The customer's pages (signing, hosted flow): plain HTML, inline CSS, no scripts. */



const CURRENCY: Record<string, string> = { SE: 'SEK', NO: 'NOK', DK: 'DKK', FI: 'EUR' };

/** Amounts are decimals in the customer's country's currency (Resurs' API names no currency). */
export function formatAmount(amount: number, country = 'SE'): string {
  const currency = CURRENCY[country] ?? 'SEK';
  return new Intl.NumberFormat('sv-SE', { style: 'currency', currency }).format(amount);
}

export const CSS = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f4f1ec;color:#1d1d1b}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 4px #0002}
main.wide{max-width:64rem}header{display:flex;gap:.5rem;align-items:center;margin-bottom:1rem}
.badge{font-size:.75rem;background:#00644b;color:#fff;border-radius:1rem;padding:.1rem .6rem}
h1{font-size:1.3rem;margin:.5rem 0}h2{font-size:1.05rem;margin:1.25rem 0 .5rem}.muted{color:#666;font-size:.9rem}
.amount{font-size:1.5rem;font-weight:700}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.5rem;background:#00644b;color:#fff;cursor:pointer}
button.secondary{background:#e3e0da;color:#1d1d1b}button.danger{background:#b3261e}.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin:1rem 0}
.actions form{margin:0}label{display:block;margin:.3rem 0}input[type=text]{font:inherit;padding:.4rem;width:100%}
.error{background:#fde8e6;color:#8c1d18;padding:.5rem;border-radius:.4rem}table{width:100%;border-collapse:collapse;font-size:.875rem}
th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #e3e0da;vertical-align:top}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;font-size:.9rem}dt{color:#666}dd{margin:0;word-break:break-all}`;

export function layout(title: string, body: string, wide = false): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Resurs Bank sandbox · ${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main${wide ? ' class="wide"' : ''}>
<header><strong>Resurs Bank</strong> <span class="badge">Sandbox: no real money moves</span></header>
${body}
</main></body></html>`;
}

export function notice(title: string, text: string, link?: { href: string; label: string }): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : ''}`,
  );
}

function button(action: string, label: string, fields: Record<string, string>, style = ''): string {
  const hidden = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return `<form method="post" action="${escapeHtml(action)}">${hidden}<button type="submit"${style ? ` class="${style}"` : ''}>${escapeHtml(label)}</button></form>`;
}

/** BankID-style signing: Sign → successUrl, Fail → failUrl, Back → backUrl (else failUrl). */
export function renderSigningPage(base: string, doc: PaymentDoc): string {
  const action = `${base}/sign/${encodeURIComponent(doc._id)}`;
  const token = { token: doc.signing?.token ?? '' };
  const name = doc.customer.address.fullName ?? [doc.customer.address.firstName, doc.customer.address.lastName].filter(Boolean).join(' ');
  return layout(
    'sign',
    `<h1>Sign your purchase</h1>
<p class="amount" data-amount="${doc.orderData.totalAmount}">${formatAmount(doc.orderData.totalAmount, doc.customer.address.country)}</p>
<dl><dt>Payment</dt><dd><code>${escapeHtml(doc._id)}</code></dd><dt>Method</dt><dd>${escapeHtml(doc.paymentMethodId)}</dd>
<dt>Customer</dt><dd>${escapeHtml(name)} (${escapeHtml(doc.customer.governmentId ?? '')})</dd></dl>
<p class="muted">In the sandbox you play BankID: sign, fail the signing, or go back to the shop.</p>
<div class="actions">${button(`${action}/sign`, 'Sign', token)}${button(`${action}/fail`, 'Fail signing', token, 'danger')}${button(`${action}/back`, 'Back to the shop', token, 'secondary')}</div>`,
  );
}

/** The hosted flow's customer page: pay as a test person (or any government id), fail, or go back. */
export function renderHostedPage(base: string, session: HostedSessionDoc, error?: string): string {
  const action = `${base}/hostedflow/customer-landing-page/${encodeURIComponent(session._id)}`;
  const p = session.payload as { orderData?: { totalAmount?: number }; paymentData?: { paymentMethodId?: string }; customer?: { governmentId?: string; address?: { country?: string } } };
  const given = p.customer?.governmentId ?? '';
  const persons = Object.values(RESURS_TEST_PERSONS)
    .map(
      (person) => `<label><input type="radio" name="governmentId" value="${person.governmentId}"${person.governmentId === given ? ' checked' : ''}>
<code>${person.governmentId}</code> ${escapeHtml(person.name)}: <strong>${person.outcome}</strong></label>`,
    )
    .join('\n');
  return layout(
    'pay',
    `<h1>Pay with Resurs Bank</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<p class="amount" data-amount="${p.orderData?.totalAmount ?? ''}">${formatAmount(Number(p.orderData?.totalAmount ?? 0), p.customer?.address?.country)}</p>
<dl><dt>Order</dt><dd><code>${escapeHtml(session.preferredId)}</code></dd><dt>Method</dt><dd>${escapeHtml(p.paymentData?.paymentMethodId ?? '')}</dd></dl>
<form method="post" action="${escapeHtml(action)}/pay"><h2>Who pays? (sandbox test persons)</h2>${persons}
<label>Or another government id: <input type="text" name="otherGovernmentId" value="${escapeHtml(testPersonIds().includes(given) ? '' : given)}"></label>
<div class="actions"><button type="submit">Pay</button></div></form>
<div class="actions">${button(`${action}/fail`, 'Fail the payment', {}, 'danger')}${button(`${action}/back`, 'Back to the shop', {}, 'secondary')}</div>`,
  );
}

function testPersonIds(): string[] {
  return Object.values(RESURS_TEST_PERSONS).map((p) => p.governmentId);
}
