import type { CheckoutSessionDoc } from './checkout';
import { escapeHtml, formatAmount, layout } from './pages';
import { RESURS_TEST_PERSONS, type SandboxPaymentMethod } from './persons';

/**
 * The Resurs Checkout iframe: the cart, the customer's identity and payment method, one purchase
 * button, and a marked panel of test controls (outcome by test person, or forced deny / fail).
 * Its script (checkout-iframe.js) speaks Resurs' postMessage events with the shop's page.
 */
export function renderCheckoutIframe(root: string, session: CheckoutSessionDoc, methods: readonly SandboxPaymentMethod[]): string {
  const lines = session.orderLines
    .map((l) => `<tr><td>${escapeHtml(l.description)}</td><td>${l.quantity}</td><td>${escapeHtml(formatAmount(l.quantity * l.unitAmountWithoutVat))}</td></tr>`)
    .join('');
  const options = methods
    .map((m, n) => `<label><input type="radio" name="paymentMethodId" value="${escapeHtml(m.id)}"${n === 0 ? ' checked' : ''}> ${escapeHtml(m.description)}</label>`)
    .join('');
  const persons = Object.values(RESURS_TEST_PERSONS)
    .map((p) => `<tr><td><code>${p.governmentId}</code></td><td>${p.outcome === 'SIGNING' ? 'BOOKED (signs in the iframe)' : p.outcome}</td></tr>`)
    .join('');
  const body = `<div id="rco" data-session="${escapeHtml(session.paymentSessionId)}" data-shop-origin="${escapeHtml(session.shopUrl)}" data-purchase-url="${escapeHtml(`${root}/checkout/iframe/${session.paymentSessionId}/purchase`)}">
<h1>Resurs Checkout</h1>
<p class="muted">Order <code>${escapeHtml(session._id)}</code> · ${escapeHtml(new URL(session.shopUrl).host)}</p>
<table><tr><th>Item</th><th>Qty</th><th>Amount</th></tr>${lines}</table>
<p>Total <span class="amount" id="rco-total">${escapeHtml(formatAmount(session.totalAmount))}</span></p>
<form id="rco-form" novalidate>
<label for="governmentId">National identity number</label>
<input type="text" id="governmentId" name="governmentId" autocomplete="off" inputmode="numeric" value="${RESURS_TEST_PERSONS.BOOKED.governmentId}" required>
<fieldset><legend>Payment method</legend>${options}</fieldset>
<p id="rco-iframe-message" role="alert" class="muted"></p>
<div class="actions"><button type="submit" id="purchase">Complete purchase</button></div>
<fieldset class="sandbox-controls"><legend>SANDBOX: test controls</legend>
<label for="test-outcome">Outcome of the next purchase</label>
<select id="test-outcome" name="test"><option value="person">As the test person decides</option><option value="deny">Deny (checkout:purchase-denied)</option><option value="fail">Fail (checkout:purchase-failed)</option></select>
<table><tr><th>Test person</th><th>Outcome</th></tr>${persons}</table>
</fieldset>
</form></div>
<script src="${escapeHtml(`${root}/checkout/iframe.js`)}"></script>`;
  return layout('Resurs Checkout', body).replace('</style>', 'fieldset{border:1px solid #e3e0da;border-radius:.5rem;margin:1rem 0}.sandbox-controls{border:2px dashed #b3261e;background:#fff8f6}select{font:inherit;padding:.3rem}</style>');
}
