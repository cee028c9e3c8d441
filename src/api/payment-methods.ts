/**
 * `GET /{provider}/payment-methods`: what the provider's account offers (Resurs: invoice, part
 * payment, card…), for the shop's checkout form. Asked of the provider at most once a minute.
 */
import { Router } from 'express';
import type { Providers } from '../providers';
import type { PaymentMethodOffer } from '../providers/types';
import { HttpError } from './errors';

const FRESH_FOR_MS = 60_000;

export function paymentMethodsRouter(providers: Providers): Router {
  const router = Router();
  const cache = new Map<string, { at: number; methods: Promise<PaymentMethodOffer[]> }>();
  router.get('/:provider/payment-methods', async (req, res) => {
    const name = req.params.provider as keyof Providers;
    const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
    if (!provider?.methods) throw new HttpError(404, 'not_found', `no payment methods to list for ${name}`);
    let entry = cache.get(name);
    if (!entry || Date.now() - entry.at > FRESH_FOR_MS) {
      entry = { at: Date.now(), methods: provider.methods() };
      cache.set(name, entry);
      entry.methods.catch(() => cache.delete(name)); // a failed answer is not kept
    }
    try {
      res.set('Cache-Control', 'public, max-age=60').json({ provider: name, methods: await entry.methods });
    } catch {
      throw new HttpError(503, 'provider_unavailable', `${name} did not list its payment methods; try again`);
    }
  });
  return router;
}
