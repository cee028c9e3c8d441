import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { bool, obj, text } from '../../providers/resurs/wire';
import { bookPayment, type BookingInput, SandboxFault, validate } from './booking';
import { sandboxRoot, type ResursSandboxContext } from './context';
import { basicAuth, formField } from './http';
import { notice, renderHostedPage, sendPage } from './pages';
import { readBooking } from './soap-wire';
import { type HostedSessionDoc, newToken } from './store';

/**
 * Resurs' hosted flow (EComPHP HOSTED_FLOW; the customer pays on Resurs' page):
 * - `POST /hostedflow/back-channel` (Basic auth, JSON: the simplified payload with successUrl,
 *   failUrl, backUrl, forceSigning, waitForFraudControl, annulIfFrozen, finalizeIfBooked at the
 *   top level, order lines in `orderData.orderLines`) answers `{location, paymentSessionId}`, or
 *   `{error, message}` (400 invalid, 401 credentials, 409 preferredId already booked).
 *   (unconfirmed) Resurs' HTTP codes and whether it answers paymentSessionId; clients judge the body.
 * - `GET /hostedflow/customer-landing-page/:sessionId` (Resurs' path, per Resurs' EComPHP docs):
 *   pay with a personal identity number (or, in the sandbox panel, as a test person), fail, or go back;
 * - `POST .../pay` (form: governmentId, or otherGovernmentId which wins) books: DENIED → failUrl, SIGNING →
 *   the signing page (then successUrl / failUrl / backUrl), else → successUrl;
 *   `POST .../fail` → failUrl, `POST .../back` → backUrl (else failUrl).
 * The shop learns the outcome from the callbacks or getPayment, never from the landing URL.
 */

class BackChannelError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

function bookingInput(payload: Record<string, unknown>, governmentId: string | null, sessionId: string | null): BookingInput {
  const base = readBooking({ ...payload, signing: { forceSigning: payload.forceSigning } }, 'orderLines');
  const flag = (name: string, fallback: boolean) => bool(payload[name]) ?? fallback;
  return {
    ...base,
    customer: { ...base.customer, governmentId: governmentId ?? base.customer.governmentId },
    options: {
      ...base.options,
      waitForFraudControl: flag('waitForFraudControl', true),
      annulIfFrozen: flag('annulIfFrozen', false),
      finalizeIfBooked: flag('finalizeIfBooked', false),
      forceSigning: flag('forceSigning', false),
    },
    successUrl: text(payload.successUrl) ?? '',
    failUrl: text(payload.failUrl) ?? '',
    backUrl: text(payload.backUrl) || null,
    flow: 'hosted',
    hostedSessionId: sessionId,
  };
}

export function hostedRoutes(ctx: ResursSandboxContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const pagePath = (id: string) => `/hostedflow/customer-landing-page/${encodeURIComponent(id)}`;

  router.post(
    '/hostedflow/back-channel',
    basicAuth(ctx.username, ctx.password, (res) => void res.status(401).json({ error: 'UNAUTHORIZED', message: 'Wrong user name or password.' })),
    express.json({ limit: '1mb' }),
    async (req: Request, res: Response) => {
      const payload = obj(req.body);
      const input = bookingInput(payload, null, null);
      try {
        validate(input);
      } catch (err) {
        if (err instanceof SandboxFault) throw new BackChannelError(400, err.errorTypeDescription, err.userErrorMessage);
        throw err;
      }
      const preferredId = input.preferredId ?? `${Date.now()}${Math.floor(Math.random() * 1000)}`;
      if ((await ctx.store.findPayment(preferredId))?.state === 'BOOKED') {
        throw new BackChannelError(409, 'OBJECT_WITH_ID_ALREADY_EXIST', `A payment with id ${preferredId} already exists.`);
      }
      const session: HostedSessionDoc = {
        _id: newToken(12),
        preferredId,
        payload: { ...payload, paymentData: { ...obj(payload.paymentData), preferredId } },
        status: 'open',
        paymentId: null,
        createdAt: ctx.now(),
        closedAt: null,
      };
      await ctx.store.insertHostedSession(session);
      res.json({ location: `${sandboxRoot(ctx, req)}${pagePath(session._id)}`, paymentSessionId: session._id });
    },
  );

  router.get('/hostedflow/customer-landing-page/:id', async (req: Request, res: Response) => {
    const session = await ctx.store.findHostedSession(String(req.params.id));
    if (!session) return sendPage(res, 404, notice('Not found', 'This payment page does not exist.'));
    if (session.status !== 'open') return sendPage(res, 200, closedNotice(session));
    sendPage(res, 200, renderHostedPage(req.baseUrl, session, ctx.merchantName));
  });

  router.post('/hostedflow/customer-landing-page/:id/pay', form, async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const governmentId = formField(req, 'otherGovernmentId') || formField(req, 'governmentId');
    const session = await ctx.store.findHostedSession(id);
    if (!session) return sendPage(res, 404, notice('Not found', 'This payment page does not exist.'));
    if (!governmentId) return sendPage(res, 422, renderHostedPage(req.baseUrl, session, ctx.merchantName, 'Enter a personal identity number, or choose a test person.'));
    const claimed = await ctx.store.closeHostedSession(id, 'completed', session.preferredId, ctx.now());
    if (!claimed) return sendPage(res, 409, closedNotice(session));
    try {
      const result = await bookPayment(ctx, bookingInput(session.payload, governmentId, id), sandboxRoot(ctx, req));
      const urls = bookingInput(session.payload, null, id);
      if (result.bookPaymentStatus === 'DENIED') {
        await ctx.store.hostedSessions.updateOne({ _id: id }, { $set: { status: 'failed' } });
        return res.redirect(303, urls.failUrl);
      }
      res.redirect(303, result.bookPaymentStatus === 'SIGNING' && result.signingUrl ? result.signingUrl : urls.successUrl);
    } catch (err) {
      await ctx.store.hostedSessions.updateOne({ _id: id }, { $set: { status: 'open', paymentId: null, closedAt: null } });
      if (!(err instanceof SandboxFault)) throw err;
      sendPage(res, 422, renderHostedPage(req.baseUrl, session, ctx.merchantName, err.userErrorMessage));
    }
  });

  for (const [path, status] of [
    ['fail', 'failed'],
    ['back', 'abandoned'],
  ] as const) {
    router.post(`/hostedflow/customer-landing-page/:id/${path}`, form, async (req: Request, res: Response) => {
      const id = String(req.params.id);
      const closed = await ctx.store.closeHostedSession(id, status, null, ctx.now());
      if (!closed) {
        const session = await ctx.store.findHostedSession(id);
        return sendPage(res, session ? 409 : 404, session ? closedNotice(session) : notice('Not found', 'This payment page does not exist.'));
      }
      const urls = bookingInput(closed.payload, null, id);
      res.redirect(303, status === 'failed' ? urls.failUrl : (urls.backUrl ?? urls.failUrl));
    });
  }

  router.use('/hostedflow', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof BackChannelError) return void res.status(err.status).json({ error: err.error, message: err.message });
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.parse.failed') return void res.status(400).json({ error: 'ILLEGAL_ARGUMENT', message: 'The body is not valid JSON.' });
    ctx.log.error({ err }, 'resurs sandbox: hosted flow request failed');
    res.status(500).json({ error: 'INTERNAL_ERROR', message: 'Internal error in the Resurs sandbox.' });
  });
  return router;
}

function closedNotice(session: HostedSessionDoc): string {
  const urls = bookingInput(session.payload, null, session._id);
  const href = session.status === 'completed' ? urls.successUrl : session.status === 'failed' ? urls.failUrl : (urls.backUrl ?? urls.failUrl);
  return notice('Payment page closed', `This payment page is ${session.status}.`, { href, label: 'Return to the shop' });
}
