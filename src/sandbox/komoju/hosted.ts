import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { KomojuCardDetails } from '../../providers/komoju/types';
import { sandboxRoot, type SandboxContext } from './context';
import { defaultDeadline, konbiniPayment, konbiniStore, MAX_DEADLINE_SECONDS, parseDeadlineSeconds } from './konbini';
import { renderError, renderNotFound, renderSessionPage, returnUrlFor, sendPage, TEST_CARDS, type PageView } from './page';
import { paymentFor, type PaymentDoc, sessionExpired, type SessionDoc, toWirePayment } from './store';

/** The customer-facing hosted page: `GET /sessions/:id`, `POST /sessions/:id/pay|konbini|cancel`. */

function page(ctx: SandboxContext, req: Request, session: SessionDoc, extra: Partial<PageView> = {}): string {
  return renderSessionPage({ session, base: req.baseUrl, merchantName: ctx.merchantName, expired: sessionExpired(session, ctx.now()), ...extra });
}

/** Where a completed konbini session's slip is shown (undefined for other sessions). */
async function slipUrlOf(ctx: SandboxContext, session: SessionDoc): Promise<string | undefined> {
  if (session.status !== 'completed') return undefined;
  const details = (await ctx.store.paymentOf(session))?.payment_details as { type?: string; instructions_url?: unknown } | undefined;
  return details?.type === 'konbini' && typeof details.instructions_url === 'string' ? details.instructions_url : undefined;
}

type CardCheck = { card: KomojuCardDetails } | { error: string; status: number };

export function checkCard(form: Record<string, unknown>, now: Date): CardCheck {
  const text = (key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim() : '');
  const number = text('number').replace(/[\s-]/g, '');
  const name = text('name');
  const expiry = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(text('expiry'));
  if (!/^\d{12,19}$/.test(number)) return { status: 422, error: 'Enter the card number (digits only).' };
  if (!name) return { status: 422, error: 'Enter the name on the card.' };
  if (!expiry) return { status: 422, error: 'Enter the expiry as MM/YY.' };
  const month = Number(expiry[1]);
  const year = expiry[2].length === 2 ? 2000 + Number(expiry[2]) : Number(expiry[2]);
  if (month < 1 || month > 12) return { status: 422, error: 'The expiry month must be 01-12.' };
  if (year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1) return { status: 422, error: 'The card has expired.' };
  if (!/^\d{3,4}$/.test(text('cvc'))) return { status: 422, error: 'Enter the 3- or 4-digit CVC.' };
  if (number === TEST_CARDS.declined) return { status: 402, error: 'Your card was declined. Please try another card.' };
  if (number !== TEST_CARDS.success) return { status: 422, error: 'The sandbox only accepts the test cards listed below.' };
  return { card: { type: 'credit_card', brand: brandOf(number), last_four_digits: number.slice(-4), month, year, name } };
}

function brandOf(number: string): string {
  if (number.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(number)) return 'master';
  if (/^3[47]/.test(number)) return 'american_express';
  if (number.startsWith('35')) return 'jcb';
  return 'unknown';
}

export function hostedRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/sessions/:id', async (req, res) => {
    const session = await ctx.store.findSession(req.params.id);
    if (!session) return sendPage(res, 404, renderNotFound());
    const deadlineSeconds = parseDeadlineSeconds(req.query.deadline_seconds);
    if (deadlineSeconds === null) return sendPage(res, 400, page(ctx, req, session, { error: DEADLINE_ERROR }));
    sendPage(res, 200, page(ctx, req, session, { deadlineSeconds, slipUrl: await slipUrlOf(ctx, session) }));
  });

  router.post('/sessions/:id/pay', form, async (req, res) => {
    const session = await ctx.store.findSession(req.params.id);
    if (!session) return sendPage(res, 404, renderNotFound());
    const now = ctx.now();
    if (session.status !== 'pending' || sessionExpired(session, now)) return notPayable(ctx, req, res, session);
    if (!session.payment_types.includes('credit_card')) {
      return sendPage(res, 422, page(ctx, req, session, { error: 'This session does not accept cards.' }));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const checked = checkCard(body, now);
    if ('error' in checked) {
      ctx.log.info({ sessionId: session._id, reason: checked.error }, 'komoju sandbox: card refused');
      const keep = { name: String(body.name ?? ''), expiry: String(body.expiry ?? '') };
      return sendPage(res, checked.status, page(ctx, req, session, { error: checked.error, form: keep }));
    }
    const payment = paymentFor(session, now, { status: 'captured', payment_details: checked.card, payment_deadline: null, captured_at: now });
    const claimed = await ctx.store.claimSession(session._id, payment, now);
    if (!claimed) {
      // Lost a race (double click, expiry): whatever happened first stands.
      const current = (await ctx.store.findSession(session._id)) ?? session;
      return notPayable(ctx, req, res, current);
    }
    ctx.log.info({ sessionId: session._id, paymentId: payment._id }, 'komoju sandbox: payment captured');
    await announce(ctx, payment);
    res.redirect(303, returnUrlFor(claimed));
  });

  router.post('/sessions/:id/konbini', form, async (req, res) => {
    const session = await ctx.store.findSession(req.params.id);
    if (!session) return sendPage(res, 404, renderNotFound());
    const now = ctx.now();
    // A second "issue" (double click, back button) creates nothing: the first slip stands.
    if (session.status !== 'pending' || sessionExpired(session, now)) return notPayable(ctx, req, res, session);
    if (!session.payment_types.includes('konbini')) {
      return sendPage(res, 422, page(ctx, req, session, { error: 'This session does not accept konbini payments.' }));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const seconds = parseDeadlineSeconds(body.deadline_seconds ?? req.query.deadline_seconds);
    const email = session.email ?? (typeof body.email === 'string' ? body.email.trim() : '');
    const store = konbiniStore(body.store);
    const keep: PageView = { session, base: req.baseUrl, merchantName: ctx.merchantName, expired: false, deadlineSeconds: seconds ?? undefined, form: { store: String(body.store ?? ''), email } };
    if (seconds === null) return sendPage(res, 422, renderSessionPage({ ...keep, error: DEADLINE_ERROR }));
    if (!store) return sendPage(res, 422, renderSessionPage({ ...keep, error: 'Choose a convenience store.' }));
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) return sendPage(res, 422, renderSessionPage({ ...keep, error: 'Enter your email address.' }));

    const deadline = seconds ? new Date(now.getTime() + seconds * 1000) : defaultDeadline(now);
    const payment = konbiniPayment(session, store.id, email, deadline, now, sandboxRoot(ctx, req));
    const claimed = await ctx.store.claimSession(session._id, payment, now);
    if (!claimed) return notPayable(ctx, req, res, (await ctx.store.findSession(session._id)) ?? session);
    ctx.log.info({ sessionId: session._id, paymentId: payment._id, store: store.id }, 'komoju sandbox: konbini slip issued');
    await announce(ctx, payment);
    res.redirect(303, returnUrlFor(claimed));
  });

  router.post('/sessions/:id/cancel', async (req, res) => {
    const session = (await ctx.store.cancelSession(req.params.id, ctx.now())) ?? (await ctx.store.findSession(req.params.id));
    if (!session) return sendPage(res, 404, renderNotFound());
    if (session.status === 'cancelled') ctx.log.info({ sessionId: session._id }, 'komoju sandbox: session cancelled by the customer');
    res.redirect(303, returnUrlFor(session));
  });

  router.use('/sessions', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    ctx.log.error({ err }, 'komoju sandbox: page failed');
    sendPage(res, 500, renderError());
  });
  return router;
}

const DEADLINE_ERROR = `deadline_seconds must be a whole number of seconds from 1 to ${MAX_DEADLINE_SECONDS}.`;

/**
 * The event that tells the shop of a new payment (card: captured; konbini: the slip, authorized).
 * Its id comes from the payment, so announcing again cannot send it twice.
 */
async function announce(ctx: SandboxContext, payment: PaymentDoc): Promise<void> {
  await ctx.webhooks.send(payment.status === 'captured' ? 'payment.captured' : 'payment.authorized', toWirePayment(payment), { id: `evt_${payment._id}` });
}

/** A second pay on a finished session creates nothing: a paid one goes back to the shop. */
async function notPayable(ctx: SandboxContext, req: Request, res: Response, session: SessionDoc): Promise<void> {
  if (session.status === 'completed') {
    // A repeated submit (double click, back button, a retry after an error page): the first one
    // stands. If it failed after claiming the session (the database went away), finish its work:
    // the payment and its webhook, as KOMOJU never takes a payment without announcing it.
    if (session.payment_seed) {
      await ctx.store.paymentOf(session);
      await announce(ctx, session.payment_seed);
    }
    return res.redirect(303, returnUrlFor(session));
  }
  sendPage(res, 409, page(ctx, req, session));
}
