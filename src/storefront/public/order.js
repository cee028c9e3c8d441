// The order page follows its order without reloading.
//
// Polling, not server-sent events: the database (FerretDB) has no change streams, so an SSE
// endpoint would itself poll MongoDB once per open page; a short poll of the existing customer
// view (GET /checkouts/{id}) needs no long-lived connection through proxies, works with any
// number of API processes, and stops once the order is final. Only when what the page shows has
// changed does it fetch the re-rendered panel (one renderer, on the server, QR codes included).
(() => {
  'use strict';
  const main = document.getElementById('order');
  const secret = new URLSearchParams(location.search).get('clientSecret');
  if (!main || !secret) return;
  const orderId = main.dataset.orderId;
  const lang = main.dataset.lang;
  const EVERY_MS = 2000;
  const AT_MOST_MS = 30000;
  const FINAL = ['completed', 'cancelled', 'expired', 'refunded'];
  const headers = { 'x-client-secret': secret, accept: 'application/json' };
  const panel = () => document.getElementById('panel');
  const status = () => document.getElementById('status')?.dataset.status;

  /** Keep in step with liveKey() in src/storefront/order-page.ts. */
  const keyOf = (view) =>
    [view.status, view.payment?.status ?? '', view.payment?.pending?.kind ?? '', view.tickets?.length ?? 0, view.nextAction?.type === 'redirect' ? view.nextAction.url : ''].join('|');

  async function refreshPanel() {
    const res = await fetch(`/orders/${encodeURIComponent(orderId)}/panel?lang=${lang}`, { headers, cache: 'no-store' });
    if (!res.ok) return;
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('panel');
    if (!fresh) return;
    const before = status();
    panel().replaceWith(document.importNode(fresh, true));
    if (status() !== before) document.getElementById('announce').textContent = document.getElementById('status').textContent;
  }

  let delay = EVERY_MS;
  let timer;
  let asking = false; // one question at a time (timer, tab shown again, cancel)
  async function tick() {
    if (asking) return;
    clearTimeout(timer);
    asking = true;
    try {
      if (!FINAL.includes(status())) {
        const res = await fetch(`/checkouts/${encodeURIComponent(orderId)}`, { headers, cache: 'no-store' });
        if (!res.ok) throw new Error(String(res.status));
        const view = await res.json();
        if (keyOf(view) !== panel().dataset.key) await refreshPanel();
      }
      delay = EVERY_MS;
    } catch {
      delay = Math.min(delay * 2, AT_MOST_MS); // the API is away: ask less often
    } finally {
      asking = false;
    }
    if (FINAL.includes(status())) document.getElementById('live-note').hidden = true;
    else timer = setTimeout(tick, delay);
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void tick();
  });
  timer = setTimeout(tick, EVERY_MS);

  // Cancel without leaving the page; without this script the form posts and comes back here.
  main.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!form.action.endsWith('/cancel')) return;
    event.preventDefault();
    const button = form.querySelector('button');
    const words = JSON.parse(document.getElementById('shop-words')?.textContent ?? '{}');
    button.disabled = true;
    if (words.cancelling) button.textContent = words.cancelling;
    try {
      const res = await fetch(form.action, { method: 'POST', headers });
      if (!res.ok && res.status !== 409) throw new Error(String(res.status));
      await tick();
    } catch {
      form.submit();
    }
  });
})();
