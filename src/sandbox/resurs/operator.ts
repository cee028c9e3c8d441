import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { operatorAnnul, resendCallbacks } from './aftershop';
import { notFound, SandboxFault } from './booking';
import { thaw } from './fraud';
import type { ResursSandboxContext } from './context';
import { formField, wantsJson } from './http';
import { renderIndex, renderPaymentPage } from './operator-page';
import { notice, sendPage } from './pages';
import { wirePayment } from './soap-wire';
import type { PaymentDoc } from './store';

/**
 * Sandbox-only operator console (no auth: the sandbox is for development and demos):
 * - `GET /` payments, hosted pages, callback URLs, test persons; `GET /payments/:id` one payment;
 * - `POST /payments/:id/thaw` (AUTOMATIC_FRAUD_CONTROL THAWED), `/unfreeze` (UNFREEZE),
 *   `/annul` (ANNULMENT), `/resend-callbacks`; `POST /callbacks/test` (TEST, form param1..5);
 * - `GET /callbacks` deliveries as JSON, newest first (`?paymentId=`, `?type=`, `?limit=`).
 * A form post is answered 303 back to the page; anything else (or `?format=json`) gets JSON:
 * `{payment, state, ...}` (payment in getPayment's shape), or `{error, message}`.
 */
export function operatorRoutes(ctx: ResursSandboxContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const pageOf = (req: Request, id: string) => `${req.baseUrl}/payments/${encodeURIComponent(id)}`;

  const describe = (doc: PaymentDoc) => ({
    id: doc._id,
    state: doc.state,
    outcome: doc.outcome,
    frozen: doc.frozen,
    signing: doc.signing ? { outcome: doc.signing.outcome } : null,
    payment: doc.state === 'BOOKED' ? wirePayment(doc) : null,
  });

  router.get('/', async (req: Request, res: Response) => {
    const limit = Math.min(200, Math.max(1, Number(req.query.limit) || 50));
    const [payments, sessions, registrations] = await Promise.all([
      ctx.store.payments.find({}).sort({ createdAt: -1 }).limit(limit).toArray(),
      ctx.store.hostedSessions.find({}).sort({ createdAt: -1 }).limit(limit).toArray(),
      ctx.callbacks.registrations.find({}).toArray(),
    ]);
    if (wantsJson(req)) return void res.set('Cache-Control', 'no-store').json({ payments: payments.map(describe), hostedSessions: sessions, registrations: registrations.map(({ basicAuthPassword: _, ...r }) => r) });
    sendPage(res, 200, renderIndex({ base: req.baseUrl, payments, sessions, registrations, defaultTemplate: (t) => ctx.callbacks.defaultTemplate(t) }));
  });

  router.get('/callbacks', async (req: Request, res: Response) => {
    const filter: Record<string, string> = {};
    if (typeof req.query.paymentId === 'string') filter.payment_id = req.query.paymentId;
    if (typeof req.query.type === 'string') filter.type = req.query.type;
    const limit = Math.min(500, Math.max(1, Number(req.query.limit) || 100));
    const docs = await ctx.callbacks.deliveries.find(filter).sort({ created_at: -1 }).limit(limit).toArray();
    res.set('Cache-Control', 'no-store').json({ data: docs.map(({ _id, ...rest }) => ({ id: _id, ...rest })) });
  });

  router.post('/callbacks/test', form, async (req: Request, res: Response) => {
    const params = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`param${n}`, formField(req, `param${n}`) || String(n)]));
    const ids = await ctx.callbacks.send({ type: 'TEST', paymentId: null, params });
    if (wantsJson(req)) return void res.json({ sent: ids });
    res.redirect(303, `${req.baseUrl}/`);
  });

  router.get('/payments/:id', async (req: Request, res: Response) => {
    const doc = await ctx.store.findPayment(String(req.params.id));
    if (!doc) throw notFound(String(req.params.id));
    if (wantsJson(req)) return void res.set('Cache-Control', 'no-store').json(describe(doc));
    sendPage(res, 200, await paymentPage(ctx, req, doc));
  });

  const actions: Record<string, (id: string) => Promise<PaymentDoc | number>> = {
    thaw: async (id) => (await thaw(ctx, id, 'thaw')) ?? refuse(id, 'is not frozen'),
    unfreeze: async (id) => (await thaw(ctx, id, 'unfreeze')) ?? refuse(id, 'is not frozen'),
    annul: (id) => operatorAnnul(ctx, id),
    'resend-callbacks': (id) => resendCallbacks(ctx, id),
  };
  for (const [path, act] of Object.entries(actions)) {
    router.post(`/payments/:id/${path}`, form, async (req: Request, res: Response) => {
      const id = String(req.params.id);
      const done = await act(id);
      if (wantsJson(req)) {
        const doc = typeof done === 'number' ? await ctx.store.findPayment(id) : done;
        return void res.json({ ...(doc ? describe(doc) : {}), ...(typeof done === 'number' ? { resent: done } : {}) });
      }
      res.redirect(303, pageOf(req, id));
    });
  }

  router.use(async (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (!(err instanceof SandboxFault)) {
      ctx.log.error({ err }, 'resurs sandbox: operator request failed');
      if (wantsJson(req)) return void res.status(500).json({ error: 'INTERNAL_ERROR', message: 'Internal error in the Resurs sandbox.' });
      return sendPage(res, 500, notice('Error', 'Something went wrong.'));
    }
    const status = err.errorTypeId === 8 ? 404 : 422;
    if (wantsJson(req)) return void res.status(status).json({ error: err.errorTypeDescription, message: err.message });
    const id = /^\/payments\/([^/]+)/.exec(req.path)?.[1];
    const doc = status === 422 && id ? await ctx.store.findPayment(decodeURIComponent(id)).catch(() => null) : null;
    if (doc) return sendPage(res, 422, await paymentPage(ctx, req, doc, err.message));
    sendPage(res, status, notice(status === 404 ? 'Not found' : 'Refused', err.message));
  });
  return router;
}

function refuse(id: string, why: string): never {
  throw new SandboxFault(20, `Payment ${id} ${why}.`);
}

async function paymentPage(ctx: ResursSandboxContext, req: Request, payment: PaymentDoc, error?: string): Promise<string> {
  const callbacks = await ctx.callbacks.deliveries.find({ payment_id: payment._id }).sort({ created_at: -1 }).limit(100).toArray();
  return renderPaymentPage({ base: req.baseUrl, payment, callbacks, error });
}
