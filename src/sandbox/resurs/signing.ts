import express, { type Request, type Response, Router } from 'express';
import { answerSigning } from './booking';
import type { ResursSandboxContext } from './context';
import { formField } from './http';
import { notice, renderSigningPage, sendPage } from './pages';

/**
 * The signing page a bookPayment with SIGNING sends the customer to (Resurs: BankID):
 * - `GET  /sign/:paymentId?token=…` shows the purchase with Sign / Fail / Back;
 * - `POST /sign/:paymentId/sign|fail|back` (form field `token`) answers 303 to the booking's
 *   successUrl / failUrl / backUrl (backUrl: hosted flow only; else failUrl), exactly as the
 *   shop gave them, query string and all.
 * The token makes an old link useless once the preferredId was booked again.
 */
export function signingRoutes(ctx: ResursSandboxContext): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/sign/:paymentId', async (req: Request, res: Response) => {
    const doc = await ctx.store.findPayment(String(req.params.paymentId));
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!doc?.signing || doc.signing.token !== token) {
      return sendPage(res, 404, notice('Signing not found', 'This signing link is unknown or has been replaced by a newer one.'));
    }
    if (doc.signing.outcome !== 'pending') {
      const s = doc.signing;
      const href = s.outcome === 'signed' ? s.successUrl : s.outcome === 'failed' ? s.failUrl : (s.backUrl ?? s.failUrl);
      return sendPage(res, 200, notice('Already answered', `This purchase was already ${s.outcome}.`, { href, label: 'Return to the shop' }));
    }
    sendPage(res, 200, renderSigningPage(req.baseUrl, doc, ctx.merchantName));
  });

  const answers = { sign: 'signed', fail: 'failed', back: 'abandoned' } as const;
  for (const [path, answer] of Object.entries(answers)) {
    router.post(`/sign/:paymentId/${path}`, form, async (req: Request, res: Response) => {
      const token = formField(req, 'token') || (typeof req.query.token === 'string' ? req.query.token : '');
      const done = await answerSigning(ctx, String(req.params.paymentId), token, answer);
      if (!done) return sendPage(res, 404, notice('Signing not found', 'This signing link is unknown or has been replaced by a newer one.'));
      res.redirect(303, done.redirect);
    });
  }
  return router;
}
