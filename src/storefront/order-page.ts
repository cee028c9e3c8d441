/**
 * `/orders/{orderId}?clientSecret=…`: the customer's own order, from the customer view only (no
 * name, no e-mail address). The live part (`#panel`) is rendered here both for the page and for
 * the script's refreshes (public/order.js), so there is one renderer.
 */
import QRCode from 'qrcode';
import { customerView } from '../checkout/request';
import type { OrderDoc } from '../db/schema';
import { isFinal } from '../domain/checkout';
import { html, page, raw, type Html } from './html';
import { jstDateTime, money, statusLabel, storeName, words, type Lang } from './i18n';

type View = ReturnType<typeof customerView>;

/** Links from the provider are followed only if they are web addresses (never `javascript:`). */
const webLink = (url: unknown): string | undefined => (typeof url === 'string' && /^https?:\/\//i.test(url) ? url : undefined);

/**
 * What the page shows changes only when this does. order.js computes the same string from
 * `GET /checkouts/{id}` (keep the two in step) and refreshes the panel when it differs.
 */
export function liveKey(view: View): string {
  const redirect = view.nextAction?.type === 'redirect' ? view.nextAction.url : '';
  return [view.status, view.payment.status, view.payment.pending?.kind ?? '', view.tickets?.length ?? 0, redirect].join('|');
}

/** Each ticket's code as an SVG QR code (what the gate scans), labelled for screen readers. */
async function qrCodes(view: View): Promise<Map<string, string>> {
  const codes = new Map<string, string>();
  for (const ticket of view.tickets ?? []) {
    const svg = await QRCode.toString(ticket.code, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    codes.set(ticket.code, svg.replace('<svg ', '<svg role="img" aria-hidden="true" focusable="false" '));
  }
  return codes;
}

// The exact markup of the cancel form is what scripts and tests look for: keep it plain.
function cancelForm(view: View, secret: string, lang: Lang): Html {
  return html`<div id="cancel"><form method="post" action="/checkouts/${encodeURIComponent(view.orderId)}/cancel"><input type="hidden" name="clientSecret" value="${secret}">
<button type="submit" class="secondary">${words(lang).cancelOrder}</button></form></div>`;
}

function konbini(view: View, lang: Lang): Html {
  const t = words(lang);
  const slip = (view.payment.konbini ?? {}) as Partial<Record<'store' | 'deadline' | 'instructionsUrl' | 'confirmationCode', string>>;
  return html`<section id="konbini"><p>${t.konbiniText}</p><dl>
<dt>${t.store}</dt><dd id="konbini-store" data-store="${slip.store}">${slip.store ? storeName(slip.store, lang) : '-'}</dd>
<dt>${t.amount}</dt><dd id="konbini-amount">${money(view.amount, view.currency, lang)}</dd>
<dt>${t.deadline}</dt><dd>${slip.deadline ? html`<time id="konbini-deadline" datetime="${slip.deadline}">${jstDateTime(slip.deadline, lang)}</time>` : '-'}</dd>
${slip.confirmationCode ? html`<dt>${t.confirmationCode}</dt><dd><code id="konbini-code">${slip.confirmationCode}</code></dd>` : ''}
</dl>
${webLink(slip.instructionsUrl) ? html`<p><a id="konbini-instructions" href="${slip.instructionsUrl}" target="_blank" rel="noopener noreferrer">${t.instructions}</a></p>` : ''}
</section>`;
}

function tickets(view: View, qr: Map<string, string>, lang: Lang): Html {
  const t = words(lang);
  const nameOf = (typeId: string) => view.items.find((i) => i.ticketTypeId === typeId)?.name ?? typeId;
  return html`<section id="tickets"><p>${t.completedText}</p><h2>${t.tickets}</h2><ul class="tickets">
${(view.tickets ?? []).map(
  (ticket) => html`<li class="ticket" data-code="${ticket.code}"><figure>${raw(qr.get(ticket.code) ?? '')}
<figcaption><code>${ticket.code}</code> <span>${nameOf(ticket.ticketTypeId)}</span></figcaption></figure></li>`,
)}
</ul></section>`;
}

/** What the customer can do now, by status. */
function state(view: View, secret: string, qr: Map<string, string>, lang: Lang): Html {
  const t = words(lang);
  switch (view.status) {
    case 'pending': {
      const next = view.nextAction?.type === 'redirect' ? webLink(view.nextAction.url) : undefined;
      return html`<p id="state-text">${next ? t.pendingText : t.processingText}</p>
<div class="actions">${next ? html`<a id="continue-payment" class="button" href="${next}">${t.continuePayment}</a>` : ''}${cancelForm(view, secret, lang)}</div>`;
    }
    case 'awaiting_payment': {
      const kind = view.payment.pending?.kind;
      const what = kind === 'konbini' ? konbini(view, lang) : kind === 'review' ? html`<p id="review">${t.reviewText}</p>` : html`<p id="state-text">${t.pendingText}</p>`;
      return html`${what}<div class="actions">${cancelForm(view, secret, lang)}</div>`;
    }
    case 'completed':
      return tickets(view, qr, lang);
    case 'cancelled':
      return html`<p id="state-text">${t.cancelledText}</p>`;
    case 'expired':
      return html`<p id="state-text">${t.expiredText}</p>`;
    case 'refunded':
      return html`<p id="state-text">${t.refundedText}</p>`;
    case 'refund_required':
      return html`<p id="state-text">${t.refundRequiredText}</p>`;
  }
}

/** The part of the page that follows the order: status, amount, what to do, tickets. */
export async function renderPanel(order: OrderDoc, secret: string, lang: Lang): Promise<Html> {
  const view = customerView(order);
  const t = words(lang);
  const qr = await qrCodes(view);
  return html`<div id="panel" data-key="${liveKey(view)}">
<p>${t.status}: <strong id="status" data-status="${view.status}">${statusLabel(view.status, lang, view.payment.pending?.kind)}</strong></p>
<dl class="summary"><dt>${t.amount}</dt><dd id="amount">${money(view.amount, view.currency, lang)}</dd>
<dt>${t.items}</dt><dd><ul>${view.items.map((i) => html`<li>${i.name} × ${i.quantity}</li>`)}</ul></dd></dl>
${state(view, secret, qr, lang)}
</div>`;
}

export async function renderOrderPage(order: OrderDoc, secret: string, lang: Lang, opts: { eventTitle?: string; shopLink: boolean }): Promise<Html> {
  const t = words(lang);
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const self = `?clientSecret=${encodeURIComponent(secret)}&lang=${other}`;
  return page({
    lang,
    title: `${t.order} ${order._id}`,
    scripts: ['/shop/order.js'],
    clientWords: { cancelling: t.cancelling },
    body: html`<header class="top"><strong>${t.shopTitle}</strong> <a href="${self}" lang="${other}">${other === 'ja' ? '日本語' : 'English'}</a></header>
<main id="order" data-order-id="${order._id}" data-lang="${lang}">
<h1>${t.order} <code>${order._id}</code></h1>
${opts.eventTitle ? html`<p class="event-title">${opts.eventTitle}</p>` : ''}
${await renderPanel(order, secret, lang)}
<p class="muted" id="live-note"${isFinal(order.status) ? html` hidden` : ''}>${t.live}</p>
<p class="visually-hidden" id="announce" aria-live="polite"></p>
${opts.shopLink ? html`<p><a href="/?lang=${lang}">${t.backToShop}</a></p>` : ''}
</main>`,
  });
}

export function renderNotFound(lang: Lang): Html {
  const t = words(lang);
  return page({ lang, title: t.notFoundTitle, body: html`<main><h1>${t.notFoundTitle}</h1><p id="not-found">${t.notFound}</p></main>` });
}
