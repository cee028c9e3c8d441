import { escapeHtml, formatMoney, type PageItem, paymentPage, postButton, sandboxPage, sendPage } from '../html';
import { paymentMethod, RESURS_TEST_PERSONS } from './persons';
import type { HostedSessionDoc, PaymentDoc } from './store';

export { escapeHtml, sendPage };

/**
 * The customer's pages (signing, hosted flow) in the shared look (../html.ts): the shop's order,
 * the customer's controls, and the test buttons in the sandbox panel. Ids: signing `#sign`,
 * `#back`, `#fail`, `#test-sign`; hosted flow `#pay` (with `#governmentId`), `#back`, `#fail`,
 * `#test-pay` (with the test persons' radio buttons).
 */

const CURRENCY: Record<string, string> = { SE: 'SEK', NO: 'NOK', DK: 'DKK', FI: 'EUR' };

/** Resurs' API names no currency: it is the customer's country's. */
export function currencyOf(country = 'SE'): string {
  return CURRENCY[country] ?? 'SEK';
}

/** Amounts are decimals in the customer's country's currency: `1 250,00 kr`. */
export function formatAmount(amount: number, country = 'SE'): string {
  return formatMoney(amount, currencyOf(country));
}

const METHOD_NAMES: Record<string, string> = { INVOICE: 'Invoice', PARTPAYMENT: 'Part payment', CARD: 'Card' };

function methodName(id: string | undefined): string {
  const description = paymentMethod(id)?.description;
  const english = METHOD_NAMES[id ?? ''] ?? id ?? '';
  return description ? `${english} (${description})` : english;
}

/** `198801082382` → `19880108-2382`, as Swedish personal identity numbers are written. */
function personnummer(id: string): string {
  return /^\d{12}$/.test(id) ? `${id.slice(0, 8)}-${id.slice(8)}` : id;
}

const CANCEL = 'Cancel and return to the shop';

export function notice(title: string, text: string, link?: { href: string; label: string }): string {
  const back = link ? `<p><a class="button" id="return" href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  return sandboxPage('resurs', title, `<h1>${escapeHtml(title)}</h1><p class="notice">${escapeHtml(text)}</p>${back}`);
}

/** BankID-style signing: Sign → successUrl, Fail → failUrl, Back → backUrl (else failUrl). */
export function renderSigningPage(base: string, doc: PaymentDoc, merchantName: string): string {
  const action = `${base}/sign/${encodeURIComponent(doc._id)}`;
  const token = { token: doc.signing?.token ?? '' };
  const { address } = doc.customer;
  const name = address.fullName ?? [address.firstName, address.lastName].filter(Boolean).join(' ');
  const id = doc.customer.governmentId ?? '';
  return paymentPage({
    provider: 'resurs',
    shop: merchantName,
    reference: doc._id,
    amount: doc.orderData.totalAmount,
    currency: currencyOf(address.country),
    items: doc.orderData.specLines.map((line) => ({ name: line.description, quantity: line.quantity, amount: line.totalAmount })),
    title: 'Sign your purchase',
    body: `<section class="method bankid" aria-labelledby="sign-title">
<h2 id="sign-title">Sign your purchase</h2>
<p>Payment method: <strong data-method="${escapeHtml(doc.paymentMethodId)}">${escapeHtml(methodName(doc.paymentMethodId))}</strong></p>
<p>Signing as <strong>${escapeHtml(name)}</strong>${id ? `<br><span class="muted">Personal identity number ${escapeHtml(personnummer(id))}</span>` : ''}</p>
<span class="bankid-mark" aria-hidden="true">BankID</span>
${postButton(`${action}/sign`, 'Sign with BankID', { id: 'sign', fields: token })}
</section>
${postButton(`${action}/back`, CANCEL, { id: 'back', fields: token, variant: 'secondary' })}`,
    testControls: `<p class="muted">This page stands in for BankID. Sign → the shop's success URL; fail → its fail URL; cancel → its back URL (hosted flow) or fail URL.</p>
<div class="actions">${postButton(`${action}/sign`, 'Sign (succeeds)', { id: 'test-sign', fields: token, variant: 'test' })}
${postButton(`${action}/fail`, 'Fail the signing', { id: 'fail', fields: token, variant: 'test' })}</div>`,
  });
}

interface HostedPayload {
  orderData?: { totalAmount?: unknown; orderLines?: unknown };
  paymentData?: { paymentMethodId?: string };
  customer?: { governmentId?: string; address?: { country?: string } };
}

function hostedItems(lines: unknown): PageItem[] {
  if (!Array.isArray(lines)) return [];
  return lines.map((line: { description?: unknown; quantity?: unknown; totalAmount?: unknown }) => ({
    name: String(line?.description ?? ''),
    quantity: Number(line?.quantity ?? 1),
    amount: typeof line?.totalAmount === 'number' ? line.totalAmount : undefined,
  }));
}

/** The hosted flow's customer page: pay with a personal identity number, or go back; test persons in the panel. */
export function renderHostedPage(base: string, session: HostedSessionDoc, merchantName: string, error?: string): string {
  const action = `${base}/hostedflow/customer-landing-page/${encodeURIComponent(session._id)}`;
  const p = session.payload as HostedPayload;
  const given = p.customer?.governmentId ?? '';
  const currency = currencyOf(p.customer?.address?.country);
  const amount = Number(p.orderData?.totalAmount ?? 0);
  const persons = Object.values(RESURS_TEST_PERSONS);
  const chosen = persons.some((person) => person.governmentId === given) ? given : RESURS_TEST_PERSONS.BOOKED.governmentId;
  const radios = persons
    .map(
      (person) => `<label class="choice"><input type="radio" name="governmentId" value="${person.governmentId}"${person.governmentId === chosen ? ' checked' : ''}>
<span><code>${person.governmentId}</code> ${escapeHtml(person.name)}: <strong>${person.outcome}</strong></span></label>`,
    )
    .join('\n');
  return paymentPage({
    provider: 'resurs',
    shop: merchantName,
    reference: session.preferredId,
    amount,
    currency,
    items: hostedItems(p.orderData?.orderLines),
    title: 'Pay with Resurs Bank',
    error,
    body: `<form method="post" action="${escapeHtml(action)}/pay" class="method" id="pay-form">
<h2>Pay with Resurs Bank</h2>
<p>Payment method: <strong data-method="${escapeHtml(p.paymentData?.paymentMethodId ?? '')}">${escapeHtml(methodName(p.paymentData?.paymentMethodId))}</strong></p>
<label>Personal identity number (personnummer)<input type="text" id="governmentId" name="governmentId" inputmode="numeric" autocomplete="off" required placeholder="YYYYMMDDNNNN" value="${escapeHtml(given)}"></label>
<button type="submit" id="pay">Pay ${formatMoney(amount, currency)}</button>
</form>
${postButton(`${action}/back`, CANCEL, { id: 'back', variant: 'secondary' })}`,
    testControls: `<form method="post" action="${escapeHtml(action)}/pay" id="test-person-form">
<fieldset><legend>Pay as a test person (the person decides the outcome)</legend>
${radios}
</fieldset>
<button type="submit" id="test-pay" class="test">Pay as the chosen test person</button>
</form>
<div class="actions">${postButton(`${action}/fail`, 'Fail the payment', { id: 'fail', variant: 'test' })}</div>`,
  });
}
