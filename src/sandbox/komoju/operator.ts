import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { cancelPayment, expirePayment, mustFindPayment, payAtStore } from './actions';
import type { SandboxContext } from './context';
import { KomojuHttpError } from './http';
import { renderIndex, renderInstructions, renderOperatorNotFound, renderOperatorPage } from './operator-page';
import { renderError, sendPage } from './page';
import { type PaymentDoc, toWirePayment, toWireSession } from './store';

/**
 * Sandbox-only operator console (no auth: the sandbox is for development and demos):
 * - `GET /` recent sessions and payments, `GET /payments/:id` one payment with action buttons,
 * - `POST /payments/:id/pay-at-store | expire | cancel`,
 * - `GET /payments/:id/instructions` the customer's konbini slip (the `instructions_url`).
 * An HTML form post is answered with 303 back to the payment's page; anything else (or
 * `Accept: application/json`, `?format=json`) gets JSON: the payment, or a KOMOJU error body.
 */

function isFormPost(req: Request): boolean {
  return (req.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function wantsJson(req: Request): boolean {
  if (req.query.format === 'json') return true;
  if (req.query.format === 'html') return false;
  const accept = req.get('accept') ?? '';
  if (accept.includes('application/json') && !accept.includes('text/html')) return true;
  return req.method === 'POST' && !isFormPost(req);
}

const paymentPage = (req: Request, id: string) => `${req.baseUrl}/payments/${encodeURIComponent(id)}`;

export function operatorRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/', async (req, res) => {
    const limit = Math.min(200, Math.max(1, Number(req.query.limit) || 50));
    const [sessions, payments] = await Promise.all([
      ctx.store.sessions.find({}).sort({ created_at: -1 }).limit(limit).toArray(),
      ctx.store.payments.find({}).sort({ created_at: -1 }).limit(limit).toArray(),
    ]);
    if (!wantsJson(req)) return sendPage(res, 200, renderIndex(req.baseUrl, sessions, payments));
    const now = ctx.now();
    const byId = new Map(payments.map((p) => [p._id, p]));
    res.set('Cache-Control', 'no-store').json({
      sessions: sessions.map((s) => toWireSession(s, (s.payment_id && byId.get(s.payment_id)) || null, now)),
      payments: payments.map(toWirePayment),
    });
  });

  router.get('/payments/:id', async (req, res) => {
    const payment = await mustFindPayment(ctx, req.params.id);
    if (wantsJson(req)) return void res.set('Cache-Control', 'no-store').json(toWirePayment(payment));
    sendPage(res, 200, await operatorPage(ctx, req, payment));
  });

  router.get('/payments/:id/instructions', async (req, res) => {
    const payment = await mustFindPayment(ctx, req.params.id);
    if (payment.payment_details.type !== 'konbini') throw new KomojuHttpError(404, 'This payment has no konbini instructions.');
    if (wantsJson(req)) return void res.set('Cache-Control', 'no-store').json(toWirePayment(payment));
    sendPage(res, 200, renderInstructions(payment, { base: req.baseUrl, merchantName: ctx.merchantName }));
  });

  const actions: Record<string, (ctx: SandboxContext, id: string) => Promise<PaymentDoc>> = {
    'pay-at-store': payAtStore,
    expire: expirePayment,
    cancel: cancelPayment,
  };
  for (const [path, act] of Object.entries(actions)) {
    router.post(`/payments/:id/${path}`, form, async (req, res) => {
      const payment = await act(ctx, req.params.id);
      if (wantsJson(req)) return void res.json(toWirePayment(payment));
      res.redirect(303, paymentPage(req, payment._id));
    });
  }

  router.use(async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const known = err instanceof KomojuHttpError ? err : null;
    if (!known) ctx.log.error({ err }, 'komoju sandbox: operator request failed');
    const status = known?.status ?? 500;
    const failure = known ?? new KomojuHttpError(500, 'Internal error in the KOMOJU sandbox.');
    if (wantsJson(req)) return void res.status(status).json(failure.toBody());
    // A refused form action shows the payment's page again, with the reason.
    const id = /^\/payments\/([^/]+)/.exec(req.path)?.[1];
    const payment = known && status === 422 && id ? await ctx.store.findPayment(id).catch(() => null) : null;
    if (payment) return sendPage(res, 422, await operatorPage(ctx, req, payment, failure.message));
    sendPage(res, status, status === 404 ? renderOperatorNotFound() : renderError());
  });
  return router;
}

async function operatorPage(ctx: SandboxContext, req: Request, payment: PaymentDoc, error?: string): Promise<string> {
  const deliveries = await ctx.webhooks.deliveries.find({ payment_id: payment._id }).sort({ created_at: -1 }).limit(50).toArray();
  return renderOperatorPage({ base: req.baseUrl, payment, deliveries, error });
}
