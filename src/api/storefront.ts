import { Router } from 'express';
import type { Store } from '../db/mongo';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * A minimal stand-in for the shop's own order page (`$STOREFRONT_URL/orders/{orderId}`), so
 * the customer lands somewhere real when no storefront is configured.
 */
export function storefrontRouter(store: Store): Router {
  const router = Router();
  router.get('/orders/:orderId', async (req, res) => {
    const order = await store.orders.findOne({ _id: req.params.orderId });
    if (!order) return void res.status(404).type('html').send('<!doctype html><title>Order not found</title><p>Order not found.</p>');
    const tickets = (order.tickets ?? []).map((t) => `<li><code>${escape(t.code)}</code> (${escape(t.ticketTypeId)})</li>`).join('');
    res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>Order ${escape(order._id)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}</style></head><body>
<h1>Order <code>${escape(order._id)}</code></h1>
<p>Status: <strong id="status">${escape(order.status)}</strong></p>
<p>Amount: ${order.amount} ${escape(order.currency)}</p>
${tickets ? `<h2>Tickets</h2><ul>${tickets}</ul>` : order.status === 'pending' ? '<p>Waiting for the payment to be confirmed… reload in a moment.</p>' : ''}
</body></html>`);
  });
  return router;
}
