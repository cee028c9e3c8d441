import type { CallbackDeliveryDoc, RegistrationDoc } from './callbacks';
import { sandboxPage } from '../html';
import { escapeHtml, formatAmount } from './pages';
import { RESURS_TEST_PERSONS } from './persons';
import { amounts, type HostedSessionDoc, type PaymentDoc, paymentStatuses } from './store';

/** The sandbox operator console (plays Resurs' fraud team and merchant portal). Plain HTML, the shared look. */

function layout(title: string, body: string): string {
  return sandboxPage('resurs', title, body, { wide: true, operator: true });
}

const when = (d: Date | null | undefined) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '');
const link = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

function stateLabel(p: PaymentDoc): string {
  if (p.state !== 'BOOKED') return p.state === 'SIGNING' ? `SIGNING (${p.signing?.outcome ?? 'pending'})` : 'DENIED';
  return [p.frozen ? 'FROZEN' : 'BOOKED', ...paymentStatuses(p)].join(' · ');
}

export interface IndexView {
  base: string;
  payments: PaymentDoc[];
  sessions: HostedSessionDoc[];
  registrations: RegistrationDoc[];
  defaultTemplate: (type: RegistrationDoc['_id']) => string;
}

export function renderIndex(v: IndexView): string {
  const rows = v.payments
    .map(
      (p) => `<tr data-payment="${escapeHtml(p._id)}"><td>${link(`${v.base}/payments/${encodeURIComponent(p._id)}`, p._id)}</td>
<td class="status">${escapeHtml(stateLabel(p))}</td><td>${escapeHtml(p.paymentMethodId)}</td><td>${formatAmount(p.orderData.totalAmount, p.customer.address.country)}</td>
<td>${escapeHtml(p.customer.governmentId ?? '')}</td><td>${p.flow}</td><td>${when(p.createdAt)}</td></tr>`,
    )
    .join('\n');
  const sessions = v.sessions
    .map((s) => `<tr><td>${link(`${v.base}/hostedflow/customer-landing-page/${encodeURIComponent(s._id)}`, s._id)}</td><td>${escapeHtml(s.preferredId)}</td><td>${s.status}</td><td>${when(s.createdAt)}</td></tr>`)
    .join('\n');
  const regs = (['BOOKED', 'AUTOMATIC_FRAUD_CONTROL', 'UNFREEZE', 'ANNULMENT', 'FINALIZATION', 'UPDATE', 'TEST'] as const)
    .map((type) => {
      const reg = v.registrations.find((r) => r._id === type);
      return `<tr><td>${type}</td><td><code>${escapeHtml(reg?.uriTemplate ?? v.defaultTemplate(type))}</code></td><td>${reg ? `registered ${when(reg.registeredAt)}` : 'default (not registered)'}</td></tr>`;
    })
    .join('\n');
  const persons = Object.values(RESURS_TEST_PERSONS)
    .map((p) => `<tr><td><code>${p.governmentId}</code></td><td>${p.outcome}</td><td>${escapeHtml(p.name)}</td><td>${escapeHtml(p.description)}</td></tr>`)
    .join('\n');
  return layout(
    'operator',
    `<h1>Resurs sandbox operator</h1>
<p class="muted">Open a payment to play the fraud team (thaw, unfreeze, annul) or resend its callbacks. ${link(`${v.base}/callbacks`, 'Callback deliveries (JSON)')}</p>
<h2>Payments</h2>
<table><thead><tr><th>id</th><th>state</th><th>method</th><th>amount</th><th>government id</th><th>flow</th><th>created</th></tr></thead>
<tbody>${rows || '<tr><td colspan="7">None yet.</td></tr>'}</tbody></table>
<h2>Hosted-flow pages</h2>
<table><thead><tr><th>session</th><th>preferredId</th><th>status</th><th>created</th></tr></thead><tbody>${sessions || '<tr><td colspan="4">None yet.</td></tr>'}</tbody></table>
<h2>Callback URLs</h2><table><tbody>${regs}</tbody></table>
<form method="post" action="${escapeHtml(`${v.base}/callbacks/test`)}" class="actions"><button type="submit" class="secondary">Send a TEST callback (param1..5 = 1..5)</button></form>
<h2>Test persons</h2><table><thead><tr><th>government id</th><th>outcome</th><th>name</th><th></th></tr></thead><tbody>${persons}</tbody></table>`,
  );
}

export interface PaymentView {
  base: string;
  payment: PaymentDoc;
  callbacks: CallbackDeliveryDoc[];
  error?: string;
}

export function renderPaymentPage(v: PaymentView): string {
  const p = v.payment;
  const m = amounts(p);
  const self = `${v.base}/payments/${encodeURIComponent(p._id)}`;
  const country = p.customer.address.country;
  const rows: Array<[string, string]> = [
    ['State', `<span class="status" data-state="${p.state}" data-frozen="${p.frozen}">${escapeHtml(stateLabel(p))}</span>`],
    ['Order total', formatAmount(p.orderData.totalAmount, country)],
    ['totalAmount (Resurs)', formatAmount(m.total, country)],
    ['Debitable / creditable', `${formatAmount(m.debitable, country)} / ${formatAmount(m.creditable, country)}`],
    ['Method', escapeHtml(p.paymentMethodId)],
    ['Customer', `${escapeHtml(p.customer.address.fullName ?? '')} <code>${escapeHtml(p.customer.governmentId ?? '')}</code> (${p.outcome})`],
    ['Flags', escapeHtml(JSON.stringify(p.options))],
    ['Flow', p.flow],
  ];
  if (p.deniedReason) rows.push(['Denied', escapeHtml(p.deniedReason)]);
  const booked = p.state === 'BOOKED';
  const actions = [
    booked && p.frozen ? ['thaw', 'Thaw (AUTOMATIC_FRAUD_CONTROL THAWED)', ''] : null,
    booked && p.frozen ? ['unfreeze', 'Unfreeze (UNFREEZE)', ''] : null,
    booked && m.debitable > 0 && m.debited === 0 ? ['annul', 'Annul (ANNULMENT)', 'danger'] : null,
    ['resend-callbacks', 'Resend callbacks', 'secondary'],
  ]
    .filter((a): a is string[] => a !== null)
    .map(([path, label, style]) => `<form method="post" action="${escapeHtml(`${self}/${path}`)}"><button type="submit"${style ? ` class="${style}"` : ''}>${escapeHtml(label)}</button></form>`)
    .join('\n');
  const diffs = p.diffs
    .map((d) => `<tr><td>${d.type}</td><td>${formatAmount(d.totalAmount, country)}</td><td>${escapeHtml(d.transactionId ?? '')}</td><td>${escapeHtml(d.createdBy ?? '')}</td><td>${when(d.created)}</td></tr>`)
    .join('\n');
  const hooks = v.callbacks
    .map(
      (c) => `<tr data-callback="${escapeHtml(c._id)}"><td>${c.type}${c.result ? ` ${escapeHtml(c.result)}` : ''}</td><td>${c.method}</td><td>${c.status}</td><td>${c.attempts}</td>
<td>${c.last_status ?? escapeHtml(c.last_error ?? '')}</td><td><code>${escapeHtml(c.url)}</code></td><td>${when(c.created_at)}</td></tr>`,
    )
    .join('\n');
  const history = p.history.map((h) => `<li>${when(h.at)}: ${escapeHtml(h.event)}</li>`).join('');
  return layout(
    `payment ${p._id}`,
    `<p>${link(`${v.base}/`, '← all payments')}</p>
<h1>Payment <code>${escapeHtml(p._id)}</code></h1>
${v.error ? `<p class="error" role="alert">${escapeHtml(v.error)}</p>` : ''}
<dl>${rows.map(([k, val]) => `<dt>${k}</dt><dd>${val}</dd>`).join('')}</dl>
<h2>Operator actions</h2><div class="actions">${actions}</div>
<h2>Payment diffs</h2><table><thead><tr><th>type</th><th>amount</th><th>transaction</th><th>by</th><th>created</th></tr></thead><tbody>${diffs || '<tr><td colspan="5">None (not booked).</td></tr>'}</tbody></table>
<h2>Callbacks</h2><table><thead><tr><th>type</th><th>method</th><th>delivery</th><th>attempts</th><th>last reply</th><th>url</th><th>created</th></tr></thead>
<tbody>${hooks || '<tr><td colspan="7">None.</td></tr>'}</tbody></table>
<h2>History</h2><ul>${history}</ul>`,
  );
}
