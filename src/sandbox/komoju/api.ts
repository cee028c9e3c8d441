import express, { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { KOMOJU_IDEMPOTENCY_HEADER } from '../../providers/komoju/client';
import type { KomojuRefund } from '../../providers/komoju/types';
import { sandboxRoot, type SandboxContext } from './context';
import { cancelPayment, mustFindPayment } from './actions';
import { apiErrors, basicAuth, KomojuHttpError } from './http';
import { fingerprint, type StoredResponse, validIdempotencyKey } from './idempotency';
import { settleDeadlineOf } from './konbini';
import { newId, type SessionDoc, toWirePayment, toWireSession } from './store';

/** KOMOJU's REST API as far as this service uses it: `/api/v1/...`, Basic auth, JSON. */

export const SUPPORTED_PAYMENT_TYPES = ['credit_card', 'konbini'] as const;
const MAX_SESSION_SECONDS = 86_400;

const SessionCreate = z.object({
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code').transform((c) => c.toUpperCase()),
  return_url: z.url({ protocol: /^https?$/ }),
  email: z.email().nullish(),
  default_locale: z.enum(['ja', 'en']).default('ja'),
  payment_types: z.array(z.enum(SUPPORTED_PAYMENT_TYPES)).min(1).default(['credit_card']),
  expires_in_seconds: z.number().int().min(1).max(MAX_SESSION_SECONDS).default(MAX_SESSION_SECONDS),
  payment_data: z.object({ external_order_num: z.string().min(1).max(255).nullish() }).nullish(),
  metadata: z.record(z.string().max(30), z.string().max(2000)).nullish(),
  line_items: z
    .array(z.object({ description: z.string().max(255), amount: z.number().int().nonnegative(), quantity: z.number().int().positive() }))
    .nullish(),
});

const RefundCreate = z.object({
  amount: z.number().int().positive().optional(),
  description: z.string().max(255).optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue.path.map(String).join('.') || null;
  throw new KomojuHttpError(400, param ? `${param}: ${issue.message}` : issue.message, param);
}

async function answer(run: () => Promise<StoredResponse>): Promise<StoredResponse> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof KomojuHttpError && err.status < 500) return { status: err.status, body: err.toBody() };
    throw err;
  }
}

/** A POST honouring `X-KOMOJU-IDEMPOTENCY` (see idempotency.ts for the rules). */
function idempotent(ctx: SandboxContext, run: (req: Request) => Promise<StoredResponse>): RequestHandler {
  return async (req, res) => {
    const key = req.get(KOMOJU_IDEMPOTENCY_HEADER);
    if (key === undefined) {
      const result = await answer(() => run(req));
      res.status(result.status).json(result.body);
      return;
    }
    if (!validIdempotencyKey(key)) {
      throw new KomojuHttpError(400, 'The idempotency key must be 1-100 ASCII characters.', KOMOJU_IDEMPOTENCY_HEADER);
    }
    const outcome = await ctx.idempotency.begin(key, fingerprint(req.method, req.baseUrl + req.path, req.body));
    if (outcome.kind === 'mismatch') {
      throw new KomojuHttpError(422, 'This idempotency key was already used for a different request.', KOMOJU_IDEMPOTENCY_HEADER);
    }
    if (outcome.kind === 'in_flight') {
      throw new KomojuHttpError(409, 'A request with this idempotency key is still being processed; retry later.', KOMOJU_IDEMPOTENCY_HEADER);
    }
    if (outcome.kind === 'replay') {
      res.status(outcome.result.status).json(outcome.result.body);
      return;
    }
    let result: StoredResponse;
    try {
      result = await answer(() => run(req));
    } catch (err) {
      await outcome.abandon().catch(() => undefined);
      throw err;
    }
    await outcome.finish(result);
    res.status(result.status).json(result.body);
  };
}

export function apiRoutes(ctx: SandboxContext): Router {
  const router = Router();
  router.use('/api/v1', basicAuth(ctx.secretKey), express.json({ limit: '256kb' }));

  router.post(
    '/api/v1/sessions',
    idempotent(ctx, async (req) => {
      const body = parse(SessionCreate, req.body);
      const now = ctx.now();
      const id = newId();
      const doc: SessionDoc = {
        _id: id,
        status: 'pending',
        amount: body.amount,
        currency: body.currency,
        return_url: body.return_url,
        session_url: `${sandboxRoot(ctx, req)}/sessions/${id}`,
        default_locale: body.default_locale,
        email: body.email ?? null,
        payment_types: [...new Set(body.payment_types)],
        external_order_num: body.payment_data?.external_order_num ?? null,
        metadata: body.metadata ?? {},
        line_items: body.line_items ?? [],
        created_at: now,
        expires_at: new Date(now.getTime() + body.expires_in_seconds * 1000),
        completed_at: null,
        cancelled_at: null,
        payment_id: null,
      };
      await ctx.store.insertSession(doc);
      ctx.log.info({ sessionId: id, amount: doc.amount, currency: doc.currency }, 'komoju sandbox: session created');
      return { status: 200, body: toWireSession(doc, null, now) };
    }),
  );

  router.get('/api/v1/sessions/:id', async (req, res) => {
    const session = await mustFindSession(ctx, req.params.id);
    const payment = await settleDeadlineOf(ctx, await ctx.store.paymentOf(session));
    res.json(toWireSession(session, payment, ctx.now()));
  });

  router.post(
    '/api/v1/sessions/:id/cancel',
    idempotent(ctx, async (req) => {
      const id = String(req.params.id);
      const session = (await ctx.store.cancelSession(id, ctx.now())) ?? (await mustFindSession(ctx, id));
      if (session.status === 'completed') throw new KomojuHttpError(422, 'The session is already completed and cannot be cancelled.');
      const payment = await settleDeadlineOf(ctx, await ctx.store.paymentOf(session));
      return { status: 200, body: toWireSession(session, payment, ctx.now()) };
    }),
  );

  // Reads expire an overdue konbini slip first (see konbini.ts).
  router.get('/api/v1/payments/:id', async (req, res) => {
    res.json(toWirePayment(await mustFindPayment(ctx, req.params.id)));
  });

  router.post(
    '/api/v1/payments/:id/refund',
    idempotent(ctx, async (req) => ({ status: 200, body: await refund(ctx, String(req.params.id), parse(RefundCreate, req.body)) })),
  );

  router.post(
    '/api/v1/payments/:id/cancel',
    idempotent(ctx, async (req) => ({ status: 200, body: toWirePayment(await cancelPayment(ctx, String(req.params.id))) })),
  );

  router.use('/api/v1', (_req, _res, next) => next(new KomojuHttpError(404, 'No such endpoint.')));
  router.use('/api/v1', apiErrors(ctx.log));
  return router;
}

async function mustFindSession(ctx: SandboxContext, id: string): Promise<SessionDoc> {
  const session = await ctx.store.findSession(id);
  if (!session) throw new KomojuHttpError(404, 'No such session.');
  return session;
}

async function refund(ctx: SandboxContext, id: string, body: z.infer<typeof RefundCreate>) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const payment = await ctx.store.findPayment(id);
    if (!payment) throw new KomojuHttpError(404, 'No such payment.');
    if (payment.payment_details.type === 'konbini') {
      throw new KomojuHttpError(422, 'Konbini payments cannot be refunded through the API: file a refund_request with the customer\'s bank account.');
    }
    if (payment.status !== 'captured') {
      throw new KomojuHttpError(422, `The payment is ${payment.status}; only captured payments can be refunded.`);
    }
    const remaining = payment.amount - payment.amount_refunded;
    const amount = body.amount ?? remaining;
    if (amount > remaining) throw new KomojuHttpError(422, `At most ${remaining} can still be refunded.`, 'amount');
    const entry: KomojuRefund = {
      id: newId(),
      resource: 'refund',
      amount,
      currency: payment.currency,
      payment: payment._id,
      description: body.description ?? null,
      created_at: ctx.now().toISOString(),
      chargeback: false,
    };
    const fully = amount === remaining;
    const updated = await ctx.store.addRefund(id, payment.amount_refunded, entry, fully);
    if (!updated) continue; // another refund got in first: re-check against the new remainder
    const wire = toWirePayment(updated);
    await ctx.webhooks.send(fully ? 'payment.refunded' : 'payment.refund.created', wire);
    return wire;
  }
  throw new KomojuHttpError(409, 'The payment is being changed by another request; retry.');
}
