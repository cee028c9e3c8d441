import { Router } from 'express';
import type { Store } from '../db/mongo';
import { sameSecret } from './auth';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="referrer" content="no-referrer">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}.actions{display:flex;gap:1rem;align-items:center}</style></head><body>${body}</body></html>`;

/**
 * A minimal stand-in for the shop's own order page (`$STOREFRONT_URL/orders/{orderId}`), so the
 * customer lands somewhere real when no storefront is configured. It needs the order's client
 * secret (carried in the redirect back from the provider), and shows no personal data.
 */
export function storefrontRouter(store: Store): Router {
  const router = Router();
  router.get('/orders/:orderId', async (req, res) => {
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    const secret = typeof req.query.clientSecret === 'string' ? req.query.clientSecret : '';
    const order = await store.orders.findOne({ _id: req.params.orderId });
    if (!order || !secret || !sameSecret(secret, order.clientSecret)) {
      return void res.status(404).type('html').send(page('Order not found', '<p>Order not found. Use the link from your confirmation or the payment page.</p>'));
    }
    const tickets = (order.tickets ?? []).map((t) => `<li><code>${escape(t.code)}</code> (${escape(t.ticketTypeId)})</li>`).join('');
    const next = order.payment.nextAction;
    const resume = next?.type === 'redirect' ? `<a href="${escape(next.url)}">Continue payment</a>` : '';
    // A GET never cancels: cancelling is a button that POSTs, with the secret as its proof.
    const actions =
      order.status === 'pending' || order.status === 'awaiting_payment'
        ? `<div class="actions">${order.status === 'pending' ? resume : ''}
<form method="post" action="/checkouts/${encodeURIComponent(order._id)}/cancel"><input type="hidden" name="clientSecret" value="${escape(secret)}"><button type="submit">Cancel order</button></form></div>`
        : '';
    const waiting = order.payment.pending ? `<p>${escape(order.payment.pending.reason)}${order.payment.pending.deadline ? ` (until ${escape(order.payment.pending.deadline)})` : ''}</p>` : '';
    res.type('html').send(
      page(
        `Order ${order._id}`,
        `<h1>Order <code>${escape(order._id)}</code></h1>
<p>Status: <strong id="status">${escape(order.status)}</strong></p>
<p>Amount: ${order.amount} ${escape(order.currency)}</p>
${waiting}${tickets ? `<h2>Tickets</h2><ul>${tickets}</ul>` : ''}${actions}`,
      ),
    );
  });
  return router;
}
