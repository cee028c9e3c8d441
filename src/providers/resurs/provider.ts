import type { Config } from '../../config';
import type { PricedItem } from '../../domain/checkout';
import { ProviderError, type EmbedRequest, type PaymentProvider, type PaymentRef, type ProviderPayment, type StartedPayment, type StartRequest } from '../types';
import { encodeApiData, type ApiData, type CheckoutType, type ResursLanding } from './api-data';
import { ResursCheckoutClient, type CheckoutOrderLine } from './checkout';
import { ResursClient, type BookPaymentArgs, type HostedFlowPayload, type ResursClientOptions } from './client';
import { resursInbound } from './inbound';
import { fromBooking, fromPayment, type Reading } from './payments';

type ResursConfig = Pick<Config['resurs'], 'apiUrl' | 'username' | 'password' | 'callbackSalt' | 'reviewTimeoutMs'> & { apiDataKey: string };

export interface ResursProvider extends PaymentProvider {
  readonly client: ResursClient;
  readonly checkout: ResursCheckoutClient;
}

/**
 * Resurs Bank behind the provider seam. The payment is booked with `preferredId` = the order id,
 * so the checkout's reference is the order id itself. SIGNING sends the customer to sign; a
 * BOOKED payment is authorized (finalize is the capture, annul its undo); FROZEN is a pending
 * review; FINALIZED is paid. Every answer that moves money is re-read with getPayment.
 */
export function createResursProvider(config: ResursConfig, options: Pick<ResursClientOptions, 'timeoutMs'> = {}): ResursProvider {
  const client = new ResursClient({ apiUrl: config.apiUrl, username: config.username, password: config.password, ...options });
  const checkout = new ResursCheckoutClient({ apiUrl: config.apiUrl, username: config.username, password: config.password, ...options });
  const apiData = (request: { orderId: string; method: string }, flow: CheckoutType, urlType: ResursLanding) => encodeApiData(containerFor(request, flow, urlType), config.apiDataKey);
  const landingUrl = (request: { orderId: string; method: string; checkoutUrl: string }, flow: CheckoutType, urlType: ResursLanding) =>
    `${request.checkoutUrl}/resurs/${urlType}?apiData=${apiData(request, flow, urlType)}`;
  const reading = (ref: { currency?: string }): Reading => ({ currency: ref.currency ?? 'SEK', reviewTimeoutMs: config.reviewTimeoutMs, now: new Date() });
  const paymentOf = (ref: PaymentRef): string => {
    const id = ref.paymentId ?? ref.reference;
    if (!id) throw new ProviderError(`order ${ref.orderId} has no Resurs payment yet`, 0, 'no_payment', false);
    return id;
  };
  const lookup = async (ref: PaymentRef): Promise<ProviderPayment> => fromPayment(await client.getPayment(paymentOf(ref)), reading(ref));
  /** Not booked (yet): a payment still waiting for its signature, or one never made. */
  const lookupOrOpen = async (ref: PaymentRef): Promise<ProviderPayment> => {
    const id = paymentOf(ref);
    const found = await client.findPayment(id);
    return found ? fromPayment(found, reading(ref)) : { paymentId: id, status: 'open', amount: 0, currency: reading(ref).currency, owner: { orderId: null, reference: id } };
  };

  return {
    name: 'resurs',
    flows: ['simplified', 'hosted', 'rco'],
    client,
    checkout,
    inbound: resursInbound(config),

    async start(request: StartRequest): Promise<StartedPayment> {
      const flow = (request.flow ?? 'simplified') as CheckoutType;
      const paymentId = request.orderId;
      const landing = (urlType: ResursLanding) => landingUrl(request, flow, urlType);
      const record = { checkoutType: flow, paymentMethod: request.method, resursReference: paymentId, apiDataId: paymentId, orderSigningPayload: apiData(request, flow, 'success') };
      const expiresAt = new Date(Date.now() + request.expiresInSeconds * 1000).toISOString();
      const reader = reading(request);

      // A retried booking must not create a second payment: look it up by its id first.
      const booked = await client.findPayment(paymentId);
      if (booked) return { reference: paymentId, nextAction: { type: 'none' }, expiresAt, record, decided: fromPayment(booked, reader) };

      if (flow === 'rco') {
        // The iframe session was opened by the shop's page (embed); the customer pressed "buy".
        // Resurs' advice before releasing the iframe: make its cart the order's, here and now.
        await checkout.updateCart(paymentId, orderLines(request.items));
        return { reference: paymentId, nextAction: { type: 'embed', sessionId: paymentId }, expiresAt, record };
      }
      const args = bookingArgs(request, { successUrl: landing('success'), failUrl: landing('fail') });
      if (flow === 'hosted') {
        const { location } = await client.hostedFlow(hostedArgs(args, landing('back')));
        return { reference: paymentId, nextAction: { type: 'redirect', url: location }, expiresAt, record };
      }
      const result = await client.bookPayment(args);
      if (result.bookPaymentStatus === 'SIGNING' && result.signingUrl) {
        return { reference: result.paymentId, nextAction: { type: 'redirect', url: result.signingUrl }, expiresAt, record };
      }
      // Decided at once; a finalized payment is re-read (the resync after a successful payment).
      const decided = result.bookPaymentStatus === 'FINALIZED' ? await lookup({ orderId: request.orderId, reference: result.paymentId, currency: request.currency }) : fromBooking(result, request.amount, reader);
      return { reference: result.paymentId, nextAction: { type: 'none' }, expiresAt, record, decided };
    },

    lookup: lookupOrOpen,

    async confirmSigned(ref) {
      try {
        const result = await client.bookSignedPayment(paymentOf(ref));
        if (result.bookPaymentStatus === 'DENIED') return fromBooking(result, 0, reading(ref));
      } catch (err) {
        if (err instanceof ProviderError && err.retryable) throw err;
        // Signed hours later, or already booked by a callback: getPayment decides.
      }
      return lookupOrOpen(ref); // the resync: what Resurs has booked, and for how much
    },
    async capture(ref, amount, idempotencyKey) {
      await client.finalizePayment(paymentOf(ref), { preferredTransactionId: idempotencyKey, totalAmount: amount });
      return lookup(ref); // resync: amount and debit status as Resurs has them now
    },
    async void(ref, idempotencyKey) {
      await client.annulPayment(paymentOf(ref), { preferredTransactionId: idempotencyKey });
      return lookup(ref);
    },
    // Resurs has no page to close: the payment is what getPayment says (none yet = still open).
    close: (ref) => lookupOrOpen(ref),
    async methods() {
      return (await client.getPaymentMethods()).map(({ id, description, type, minLimit, maxLimit }) => ({ id, description, type, minLimit, maxLimit }));
    },
    async refund(ref, amount, idempotencyKey) {
      await client.creditPayment(paymentOf(ref), { preferredTransactionId: idempotencyKey, totalAmount: amount });
      return lookup(ref);
    },
    async embed(request: EmbedRequest) {
      const session = await checkout.openSession(request.orderId, {
        orderLines: orderLines(request.items),
        successUrl: landingUrl(request, 'rco', 'success'),
        backUrl: landingUrl(request, 'rco', 'back'),
        shopUrl: request.shopUrl,
      });
      return { reference: request.orderId, sessionId: session.paymentSessionId, iframeUrl: session.iframeUrl, origin: new URL(session.baseUrl).origin };
    },
  };
}

function orderLines(items: PricedItem[]): CheckoutOrderLine[] {
  return items.map((item) => ({ artNo: item.ticketTypeId, description: item.name, quantity: item.quantity, unitMeasure: 'st', unitAmountWithoutVat: item.unitPrice, vatPct: 0, type: 'ORDER_LINE' }));
}

/** What a landing link carries so the landing can find its order (the seed's apiData). */
function containerFor(request: { orderId: string; method: string }, checkoutType: CheckoutType, urlType: ResursLanding): ApiData {
  return { checkoutType, paymentMethod: request.method, orderId: request.orderId, preferredId: request.orderId, isReturningCustomer: false, urlType };
}

/** The booking: order lines from the tickets (VAT is included in our prices; 0 % is stated as such (unconfirmed)). */
function bookingArgs(request: StartRequest, signing: { successUrl: string; failUrl: string }): BookPaymentArgs {
  const { customer } = request;
  const [firstName, ...rest] = customer.name.split(/\s+/);
  const address = customer.address!;
  return {
    // Waiting for the fraud control means FROZEN is a real review, not Resurs' intermediate state;
    // finalizing stays ours (the capture step), so a booking can still be annulled.
    paymentData: { preferredId: request.orderId, paymentMethodId: request.method, customerIpAddress: '127.0.0.1', waitForFraudControl: true, annulIfFrozen: false, finalizeIfBooked: false },
    orderData: {
      specLines: request.items.map((item, n) => ({
        id: String(n + 1),
        artNo: item.ticketTypeId,
        description: item.name,
        quantity: item.quantity,
        unitMeasure: 'st',
        unitAmountWithoutVat: item.unitPrice,
        vatPct: 0,
        totalVatAmount: 0,
        totalAmount: item.unitPrice * item.quantity,
      })),
      totalAmount: request.amount,
      totalVatAmount: 0,
    },
    metaData: [{ key: 'CustomerId', value: request.orderId.slice(0, 20) }],
    customer: {
      governmentId: customer.governmentId!,
      address: { fullName: customer.name, firstName, lastName: rest.join(' ') || firstName, addressRow1: address.addressRow1, ...(address.addressRow2 ? { addressRow2: address.addressRow2 } : {}), postalArea: address.postalArea, postalCode: address.postalCode, country: address.country },
      cellPhone: customer.phone,
      email: customer.email,
      type: 'NATURAL',
    },
    signing,
  };
}

/** The hosted flow takes the same booking with its URLs and flags at the top level (providers.md). */
function hostedArgs({ paymentData, orderData, customer, metaData, signing }: BookPaymentArgs, backUrl: string): HostedFlowPayload {
  const { preferredId, paymentMethodId, customerIpAddress, waitForFraudControl, annulIfFrozen, finalizeIfBooked } = paymentData;
  return {
    paymentData: { preferredId, paymentMethodId, customerIpAddress },
    orderData: { orderLines: orderData.specLines, totalAmount: orderData.totalAmount, totalVatAmount: orderData.totalVatAmount },
    customer,
    metaData,
    successUrl: signing.successUrl,
    failUrl: signing.failUrl,
    backUrl,
    waitForFraudControl,
    annulIfFrozen,
    finalizeIfBooked,
  };
}
