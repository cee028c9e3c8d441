import type { PaymentProvider, ProviderPayment } from '../providers/types';
import type { Checkouts } from '../temporal/client';
import type { PaymentEvent, PaymentEventKind } from '../temporal/messages';

const KIND_FOR_STATUS: Partial<Record<ProviderPayment['status'], PaymentEventKind>> = {
  captured: 'captured',
  authorized: 'authorized',
  cancelled: 'cancelled',
  expired: 'expired',
};

/**
 * Asks the provider what became of the checkout's session and tells the workflow. Used by the
 * customer's return and by operators' reconcile: neither trusts anything but the provider.
 */
export async function verifyWithProvider(
  provider: PaymentProvider,
  checkouts: Checkouts,
  orderId: string,
  reference: string,
  source: PaymentEvent['source'],
): Promise<{ seen: ProviderPayment; signalled: PaymentEventKind | null }> {
  const seen = await provider.lookupSession(reference);
  // KOMOJU sends a customer who gave up back with the session still pending.
  const kind = seen.status === 'pending' && source === 'return' ? 'cancelled' : KIND_FOR_STATUS[seen.status];
  if (!kind) return { seen, signalled: null };
  const delivered = await checkouts.notify(orderId, kind, {
    eventId: `${source}:${reference}:${seen.status}`,
    source,
    paymentId: seen.paymentId ?? undefined,
  });
  return { seen, signalled: delivered ? kind : null };
}
