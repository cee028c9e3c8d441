import { escapeHtml, paymentPage } from '../html';
import type { CheckoutSessionDoc } from './checkout';
import { currencyOf } from './pages';
import { RESURS_TEST_PERSONS, type SandboxPaymentMethod } from './persons';

/**
 * The Resurs Checkout iframe: the cart, the customer's identity and payment method, one purchase
 * button, and the marked panel of test controls (outcome by test person, or forced deny / fail).
 * Its script (assets/checkout-iframe.js) speaks Resurs' postMessage events with the shop's page.
 */
export function renderCheckoutIframe(root: string, session: CheckoutSessionDoc, methods: readonly SandboxPaymentMethod[], merchantName: string): string {
  const options = methods
    .map((m, n) => `<label><input type="radio" name="paymentMethodId" value="${escapeHtml(m.id)}"${n === 0 ? ' checked' : ''}> ${escapeHtml(m.description)}</label>`)
    .join('');
  const persons = Object.values(RESURS_TEST_PERSONS)
    .map((p) => `<tr><td><code>${p.governmentId}</code></td><td>${p.outcome === 'SIGNING' ? 'BOOKED (identified in the iframe)' : p.outcome}</td></tr>`)
    .join('');
  return paymentPage({
    provider: 'resurs',
    shop: merchantName,
    reference: session._id,
    amount: session.totalAmount,
    currency: currencyOf('SE'),
    items: session.orderLines.map((l) => ({ name: l.description, quantity: l.quantity, amount: l.quantity * l.unitAmountWithoutVat })),
    title: 'Resurs Checkout',
    body: `<div id="rco" data-shop-origin="${escapeHtml(session.shopUrl)}" data-purchase-url="${escapeHtml(`${root}/checkout/iframe/${session.paymentSessionId}/purchase`)}">
<form id="rco-form" novalidate>
<label for="governmentId">Personal identity number</label>
<input type="text" id="governmentId" name="governmentId" autocomplete="off" inputmode="numeric" value="${RESURS_TEST_PERSONS.BOOKED.governmentId}" required>
<fieldset><legend>Payment method</legend>${options}</fieldset>
<p id="rco-iframe-message" role="alert"></p>
<div class="actions"><button type="submit" id="purchase">Complete purchase</button></div>
</form></div>
<script src="${escapeHtml(`${root}/checkout/iframe.js`)}"></script>`,
    testControls: `<label for="test-outcome">Outcome of the next purchase</label>
<select id="test-outcome" name="test" form="rco-form"><option value="person">As the test person decides</option><option value="deny">Deny (checkout:purchase-denied)</option><option value="fail">Fail (checkout:purchase-failed)</option></select>
<table><tr><th>Test person</th><th>Outcome</th></tr>${persons}</table>`,
  });
}
