/**
 * `/`: the events on sale and a checkout form for one of them. The page's script (public/shop.js)
 * posts the form as JSON to `POST /checkouts` and follows the answer's `nextAction`; Resurs
 * Checkout goes to `window.resursCheckout.start` instead (public/rco.js, built separately).
 */
import type { Providers } from '../providers';
import { html, page, type Html } from './html';
import { CLIENT_KEYS, fill, money, words, type Lang } from './i18n';

export interface ShopEvent {
  id: string;
  title: string;
  currency: string;
  ticketTypes: Array<{ id: string; name: string; price: number; available: number }>;
}

/** The payment choices the form offers: `provider:method-or-flow`, read back by shop.js. */
const CHOICES = [
  { value: 'komoju:credit_card', provider: 'komoju', label: 'komojuCard' },
  { value: 'komoju:konbini', provider: 'komoju', label: 'komojuKonbini' },
  { value: 'resurs:simplified', provider: 'resurs', label: 'resursSimplified' },
  { value: 'resurs:hosted', provider: 'resurs', label: 'resursHosted' },
  { value: 'resurs:rco', provider: 'resurs', label: 'resursRco' },
] as const;

const MAX_PER_TYPE = 20; // the API's limit per ticket type

/** A labelled input with its error slot; the id is the API's field path with dots as dashes. */
function field(path: string, label: string, attrs: Html, input?: Html): Html {
  const id = `f-${path.replace(/\./g, '-')}`;
  const err = `err-${path.replace(/\./g, '-')}`;
  return html`<div class="field"><label for="${id}">${label}</label>
${input ?? html`<input id="${id}" name="${path}" aria-describedby="${err}" ${attrs}>`}
<p class="field-error" id="${err}" hidden></p></div>`;
}

function eventList(events: ShopEvent[], selected: ShopEvent | undefined, lang: Lang): Html {
  const t = words(lang);
  if (!events.length) return html`<p>${t.noEvents}</p>`;
  return html`${events.map(
    (event) => html`<section class="event${event === selected ? ' selected' : ''}" data-event="${event.id}">
<h3>${event.title}</h3>
<table><thead><tr><th scope="col">${t.ticketType}</th><th scope="col">${t.price}</th><th scope="col">${t.seatsLeft}</th></tr></thead><tbody>
${event.ticketTypes.map(
  (type) => html`<tr data-ticket-type="${type.id}"><td>${type.name}</td><td>${money(type.price, event.currency, lang)}</td>
<td class="seats" data-available="${type.available}">${type.available > 0 ? type.available : t.soldOut}</td></tr>`,
)}
</tbody></table>
${event === selected ? '' : html`<p><a href="?event=${encodeURIComponent(event.id)}&amp;lang=${lang}#checkout">${t.choose}</a></p>`}
</section>`,
  )}`;
}

function checkoutForm(event: ShopEvent, lang: Lang, providers: Providers): Html {
  const t = words(lang);
  const choices = CHOICES.filter((c) => providers[c.provider]);
  const quantities = event.ticketTypes.map((type) => {
    const max = Math.min(MAX_PER_TYPE, type.available);
    const label = fill(t.quantityOf, { name: type.name });
    return field(`qty.${type.id}`, label, html`type="number" inputmode="numeric" min="0" max="${max}" value="0" data-ticket-type="${type.id}"${max === 0 ? html` disabled` : ''}`);
  });
  const country = html`<select id="f-customer-address-country" name="customer.address.country" aria-describedby="err-customer-address-country">
${['SE', 'NO', 'DK', 'FI'].map((c) => html`<option value="${c}">${c}</option>`)}</select>`;
  const method = html`<select id="f-payment-method" name="payment.method" aria-describedby="err-payment-method"></select>`;
  return html`<form id="checkout-form" novalidate data-event="${event.id}" aria-describedby="form-error">
<h2 id="checkout">${t.checkout}: ${event.title}</h2>
<div id="form-error" class="form-error" role="alert" tabindex="-1" hidden></div>
<fieldset id="items" aria-describedby="err-items"><legend>${t.quantities}</legend>
${quantities}
<p class="field-error" id="err-items" hidden></p></fieldset>
<fieldset><legend>${t.you}</legend>
${field('customer.name', t.name, html`type="text" autocomplete="name" required maxlength="200"`)}
${field('customer.email', t.email, html`type="email" autocomplete="email" required maxlength="254"`)}
${field(
  'customer.locale',
  t.locale,
  html``,
  html`<select id="f-customer-locale" name="customer.locale" aria-describedby="err-customer-locale">
<option value="ja"${lang === 'ja' ? html` selected` : ''}>日本語</option><option value="en"${lang === 'en' ? html` selected` : ''}>English</option></select>`,
)}
</fieldset>
<fieldset id="payment" aria-describedby="err-payment"><legend>${t.payment}</legend>
${choices.map(
  (c, i) => html`<div class="choice"><input type="radio" name="payment.choice" id="pay-${c.value.replace(':', '-')}" value="${c.value}"${i === 0 ? html` checked` : ''}>
<label for="pay-${c.value.replace(':', '-')}">${t[c.label]}</label></div>`,
)}
<p class="field-error" id="err-payment" hidden></p></fieldset>
<fieldset id="resurs-details" hidden><legend>${t.resursDetails}</legend>
${field('payment.method', t.resursMethod, html``, method)}
<div id="resurs-customer">
${field('customer.governmentId', t.governmentId, html`type="text" autocomplete="off" required maxlength="20"`)}
${field('customer.phone', t.phone, html`type="tel" autocomplete="tel" required maxlength="20"`)}
${field('customer.address.addressRow1', t.addressRow1, html`type="text" autocomplete="address-line1" required maxlength="100"`)}
${field('customer.address.postalCode', t.postalCode, html`type="text" autocomplete="postal-code" required maxlength="10"`)}
${field('customer.address.postalArea', t.postalArea, html`type="text" autocomplete="address-level2" required maxlength="50"`)}
${field('customer.address.country', t.country, html``, country)}
</div></fieldset>
<button type="submit" id="pay">${t.pay}</button>
<div id="rco-container"></div>
</form>`;
}

export function renderShopPage(events: ShopEvent[], selected: ShopEvent | undefined, lang: Lang, providers: Providers): Html {
  const t = words(lang);
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const clientWords = Object.fromEntries(CLIENT_KEYS.map((key) => [key, t[key]]));
  return page({
    lang,
    title: t.shopTitle,
    scripts: ['/shop/shop.js', '/shop/rco.js'],
    clientWords,
    body: html`<header class="top"><strong>${t.shopTitle}</strong>
<a href="?lang=${other}${selected ? html`&amp;event=${encodeURIComponent(selected.id)}` : ''}" lang="${other}">${other === 'ja' ? '日本語' : 'English'}</a></header>
<main>
<h1>${t.events}</h1>
${eventList(events, selected, lang)}
${selected ? checkoutForm(selected, lang, providers) : ''}
</main>`,
  });
}
