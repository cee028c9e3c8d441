import path from 'node:path';
import express, { type Request, type Response, Router } from 'express';
import type { CheckoutOrderLine } from '../../providers/resurs/checkout';
import { afterChange, book, newAttempt, note } from './booking';
import type { ResursSandboxContext } from './context';
import { sandboxRoot } from './context';
import { basicAuth } from './http';
import { PAYMENT_METHODS, paymentMethod, testPerson } from './persons';
import { renderCheckoutIframe } from './checkout-page';
import { newToken } from './store';
import { embeddedPageCsp } from '../html';
import { notice, sendPage } from './pages';

/**
 * Resurs Checkout (RCO) as the sandbox serves it (providers.md): the shop's server opens a
 * session with `POST /checkout/payments/{ref}` and may update its cart with `PUT`; the iframe
 * (`GET /checkout/iframe/{paymentSessionId}`) talks to the shop's page by postMessage and, once
 * the shop says its order is ready, books the purchase as an ordinary payment under the
 * reference (getPayment, callbacks). A denied or failed attempt books nothing, so the customer
 * may try again in the same iframe.
 */

/** A cart row as the shop sends it (RCO's order line without its `type`). */
export type CheckoutLine = Omit<CheckoutOrderLine, 'type'>;

export interface CheckoutSessionDoc {
  _id: string;
  paymentSessionId: string;
  orderLines: CheckoutLine[];
  totalAmount: number;
  successUrl: string;
  backUrl: string;
  shopUrl: string;
  status: 'open' | 'purchased';
  attempts: Array<{ at: Date; outcome: 'booked' | 'denied' | 'failed' }>;
  createdAt: Date;
  updatedAt: Date;
}

const REFERENCE = /^[A-Za-z0-9-]{1,64}$/;
const DENIED_MESSAGE = 'Your purchase was not approved. Please choose another payment method.';
const FAILED_MESSAGE = 'The payment could not be completed just now. Please try again.';

function linesOf(body: unknown): CheckoutLine[] | string {
  const lines = (body as { orderLines?: unknown } | null)?.orderLines;
  if (!Array.isArray(lines) || lines.length === 0) return 'orderLines must be a non-empty array';
  const out: CheckoutLine[] = [];
  for (const line of lines as Array<Record<string, unknown>>) {
    const { artNo, description, quantity, unitAmountWithoutVat, vatPct, unitMeasure } = line ?? {};
    if (typeof artNo !== 'string' || typeof description !== 'string') return 'orderLines[].artNo and description are required';
    if (typeof quantity !== 'number' || !(quantity > 0) || typeof unitAmountWithoutVat !== 'number' || !(unitAmountWithoutVat >= 0)) return 'orderLines[].quantity and unitAmountWithoutVat must be positive numbers';
    out.push({ artNo, description, quantity, unitAmountWithoutVat, vatPct: typeof vatPct === 'number' ? vatPct : 0, unitMeasure: typeof unitMeasure === 'string' ? unitMeasure : 'st' });
  }
  return out;
}

const lineTotal = (l: CheckoutLine) => Math.round(l.quantity * l.unitAmountWithoutVat * (1 + l.vatPct / 100) * 100) / 100;
const totalOf = (lines: CheckoutLine[]) => Math.round(lines.reduce((sum, l) => sum + lineTotal(l) * 100, 0)) / 100;

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.includes('|')) return undefined;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function checkoutRoutes(ctx: ResursSandboxContext): Router {
  const router = Router();
  const sessions = ctx.store.checkoutSessions;
  const json = express.json({ limit: '64kb' });
  const auth = basicAuth(ctx.username, ctx.password, (res) => void res.status(401).json({ message: 'Unauthorized' }));
  const refuse = (res: Response, status: number, message: string) => void res.status(status).json({ message });

  router.post('/checkout/payments/:ref', auth, json, async (req: Request, res: Response) => {
    const ref = String(req.params.ref);
    if (!REFERENCE.test(ref)) return refuse(res, 400, 'orderReference may only hold letters, digits and -');
    const lines = linesOf(req.body);
    if (typeof lines === 'string') return refuse(res, 400, lines);
    const successUrl = httpUrl(req.body.successUrl);
    const backUrl = httpUrl(req.body.backUrl);
    const shopUrl = httpUrl(req.body.shopUrl);
    if (!successUrl || !backUrl || !shopUrl) return refuse(res, 400, 'successUrl, backUrl and shopUrl must be http(s) URLs');
    if ((await ctx.store.findPayment(ref))?.state === 'BOOKED') return refuse(res, 409, `A payment with reference ${ref} already exists.`);
    const now = ctx.now();
    const doc: CheckoutSessionDoc = {
      _id: ref,
      paymentSessionId: newToken(),
      orderLines: lines,
      totalAmount: totalOf(lines),
      successUrl,
      backUrl,
      shopUrl: new URL(shopUrl).origin,
      status: 'open',
      attempts: [],
      createdAt: now,
      updatedAt: now,
    };
    // A second POST with the same reference replaces the session (Resurs does the same).
    const { _id, ...rest } = doc;
    await sessions.replaceOne({ _id }, rest, { upsert: true });
    const root = sandboxRoot(ctx, req);
    const iframeUrl = `${root}/checkout/iframe/${doc.paymentSessionId}`;
    res.status(201).json({
      paymentSessionId: doc.paymentSessionId,
      html: `<iframe src="${iframeUrl}" title="Resurs Checkout" style="width:100%;border:0;min-height:36rem"></iframe>`,
      baseUrl: new URL(root).origin,
    });
  });

  router.put('/checkout/payments/:ref', auth, json, async (req: Request, res: Response) => {
    const lines = linesOf(req.body);
    if (typeof lines === 'string') return refuse(res, 400, lines);
    const updated = await sessions.findOneAndUpdate(
      { _id: String(req.params.ref), status: 'open' },
      { $set: { orderLines: lines, totalAmount: totalOf(lines), updatedAt: ctx.now() } },
      { returnDocument: 'after' },
    );
    if (updated) return void res.status(200).json({});
    const exists = await sessions.findOne({ _id: String(req.params.ref) });
    refuse(res, exists ? 409 : 404, exists ? 'The purchase is already completed.' : `No checkout with reference ${String(req.params.ref)}.`);
  });

  router.get('/checkout/iframe.js', (_req, res) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).sendFile(path.join(__dirname, 'assets', 'checkout-iframe.js'));
  });

  router.get('/checkout/iframe/:sessionId', async (req: Request, res: Response) => {
    const session = await sessions.findOne({ paymentSessionId: String(req.params.sessionId) });
    if (!session) return sendPage(res, 404, notice('Checkout not found', 'This checkout is unknown or was replaced by a newer one.'));
    const root = sandboxRoot(ctx, req);
    // Framed only by the shop that opened it; talks only to this server.
    sendPage(res, 200, renderCheckoutIframe(root, session, PAYMENT_METHODS, ctx.merchantName), { 'Content-Security-Policy': embeddedPageCsp(session.shopUrl) });
  });

  /** The iframe's purchase, after the shop answered `orderReady: true` (or never intercepted). */
  router.post('/checkout/iframe/:sessionId/purchase', json, async (req: Request, res: Response) => {
    const session = await sessions.findOne({ paymentSessionId: String(req.params.sessionId) });
    if (!session) return refuse(res, 404, 'This checkout is unknown or was replaced by a newer one.');
    if (session.status === 'purchased') return void res.json({ result: 'booked', redirect: session.successUrl });
    const governmentId = typeof req.body?.governmentId === 'string' ? req.body.governmentId.trim() : '';
    const method = paymentMethod(typeof req.body?.paymentMethodId === 'string' ? req.body.paymentMethodId : '') ?? PAYMENT_METHODS[0];
    const test = req.body?.test;
    if (!/^[0-9A-Za-z+-]{6,20}$/.test(governmentId)) return refuse(res, 400, 'Enter a national identity number.');
    const person = testPerson(governmentId);
    const now = ctx.now();
    const rejected = test === 'fail' ? 'failed' : test === 'deny' || person?.outcome === 'DENIED' || session.totalAmount > method.maxLimit ? 'denied' : null;
    if (rejected) {
      await sessions.updateOne({ _id: session._id }, { $push: { attempts: { at: now, outcome: rejected } }, $set: { updatedAt: now } });
      return void res.json({ result: rejected, message: rejected === 'denied' ? DENIED_MESSAGE : FAILED_MESSAGE });
    }
    const specLines = session.orderLines.map((l, n) => {
      const totalAmount = lineTotal(l);
      return { id: String(n + 1), ...l, totalVatAmount: Math.round((totalAmount - l.quantity * l.unitAmountWithoutVat) * 100) / 100, totalAmount };
    });
    const doc = newAttempt(
      {
        preferredId: session._id,
        paymentMethodId: method.id,
        customerIpAddress: req.ip ?? '127.0.0.1',
        orderData: {
          specLines,
          totalAmount: session.totalAmount,
          totalVatAmount: Math.round(specLines.reduce((sum, l) => sum + l.totalVatAmount * 100, 0)) / 100,
        },
        metaData: [],
        customer: { governmentId, address: { fullName: person?.name ?? 'Test Customer', ...(person?.address ?? { addressRow1: 'Testgatan 1', postalCode: '12345', postalArea: 'Stockholm', country: 'SE' }) }, phone: null, cellPhone: null, email: null, type: 'NATURAL' },
        options: { waitForFraudControl: true, annulIfFrozen: false, finalizeIfBooked: false, forceSigning: false, preferredTransactionId: null },
        successUrl: session.successUrl,
        failUrl: session.backUrl,
        backUrl: session.backUrl,
        flow: 'rco',
        hostedSessionId: null,
      },
      session._id,
      now,
    );
    // The customer identified themselves inside the iframe: no separate signing step here.
    if (doc.outcome === 'SIGNING') doc.outcome = 'BOOKED';
    const work = book(doc, now);
    note(doc, now, 'purchased in Resurs Checkout');
    if (!(await ctx.store.putAttempt(doc))) return void res.json({ result: 'booked', redirect: session.successUrl });
    await sessions.updateOne({ _id: session._id }, { $push: { attempts: { at: now, outcome: 'booked' } }, $set: { status: 'purchased', updatedAt: now } });
    await afterChange(ctx, doc._id, work.callbacks, work.fraudControlLater);
    res.json({ result: 'booked', redirect: session.successUrl });
  });

  return router;
}
