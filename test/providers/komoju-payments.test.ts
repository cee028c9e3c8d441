/** KOMOJU sessions and payments read as the checkout's normalised payment (pure). */
import { fromPayment, fromSession, konbiniSlip } from '../../src/providers/komoju/payments';
import { sessionBody } from '../../src/providers/komoju/provider';
import type { KomojuPayment } from '../../src/providers/komoju/types';
import { ProviderError } from '../../src/providers/types';
import { startRequest, wireKonbini, wirePayment, wireSession } from './komoju-wire';

const GRACE_MS = 6 * 3_600_000;
/** KOMOJU statuses the wire type does not list but the mapping knows (e.g. `failed`). */
const status = (s: string) => s as KomojuPayment['status'];

function thrown(run: () => unknown): ProviderError {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProviderError);
  return caught as ProviderError;
}

describe('KOMOJU payment → ProviderPayment', () => {
  it('maps every KOMOJU payment status; a KOMOJU "pending" payment is still open', () => {
    const cases: [string, string][] = [
      ['pending', 'open'],
      ['authorized', 'authorized'],
      ['captured', 'captured'],
      ['expired', 'expired'],
      ['cancelled', 'cancelled'],
      ['refunded', 'refunded'],
      ['failed', 'failed'],
    ];
    for (const [komoju, normalised] of cases) {
      expect(fromPayment(wirePayment({ status: status(komoju) }), GRACE_MS).status).toBe(normalised);
    }
    const err = thrown(() => fromPayment(wirePayment({ status: status('on_hold') }), GRACE_MS));
    expect(err).toMatchObject({ code: 'unexpected_status', retryable: false });
    expect(err.message).toContain('on_hold');
  });

  it('fills owner from external_order_num and session', () => {
    expect(fromPayment(wirePayment(), GRACE_MS)).toEqual({
      paymentId: 'pay1',
      status: 'captured',
      amount: 1500,
      currency: 'JPY',
      owner: { orderId: 'order-1', reference: 'sess1' },
    });
    const stranger = wirePayment({ external_order_num: 'order-other', session: 'sess-other' });
    expect(fromPayment(stranger, GRACE_MS).owner).toEqual({ orderId: 'order-other', reference: 'sess-other' });
    // A payment made without a session or an order number belongs to nobody we know.
    expect(fromPayment(wirePayment({ external_order_num: null, session: null }), GRACE_MS).owner).toEqual({ orderId: null, reference: null });
  });

  it('an authorized card payment is authorized, with no pending slip', () => {
    const card = fromPayment(wirePayment({ status: 'authorized', captured_at: null }), GRACE_MS);
    expect(card.status).toBe('authorized');
    expect(card).not.toHaveProperty('pending');
  });
});

describe('KOMOJU konbini slip → pending payment', () => {
  it('an issued slip is pending: kind konbini, deadline, settleBy = deadline + grace, details, notice', () => {
    expect(fromPayment(wireKonbini(), GRACE_MS)).toEqual({
      paymentId: 'pay1',
      status: 'pending',
      amount: 1500,
      currency: 'JPY',
      owner: { orderId: 'order-1', reference: 'sess1' },
      pending: {
        kind: 'konbini',
        reason: expect.stringContaining('lawson'),
        deadline: '2018-10-18T14:59:59Z',
        settleBy: '2018-10-18T20:59:59.000Z',
        details: { store: 'lawson', instructionsUrl: 'https://komoju.example/slip', confirmationCode: '1234' },
        notice: 'konbini_instructions',
      },
    });
    // The grace is the provider's setting, not a constant.
    expect(fromPayment(wireKonbini(), 0).pending?.settleBy).toBe('2018-10-18T14:59:59.000Z');
  });

  it('a konbini payment that is paid, expired or cancelled carries no slip', () => {
    for (const komoju of ['captured', 'expired', 'cancelled'] as const) {
      const payment = fromPayment(wireKonbini({ status: komoju }), GRACE_MS);
      expect(payment.status).toBe(komoju);
      expect(payment).not.toHaveProperty('pending');
    }
  });

  it('without a deadline from KOMOJU, the slip is payable for three days from its creation', () => {
    const slip = konbiniSlip(wireKonbini({ payment_deadline: null, created_at: '2025-03-01T00:00:00.000Z' }), GRACE_MS);
    expect(slip).toMatchObject({ deadline: '2025-03-04T00:00:00.000Z', settleBy: '2025-03-04T06:00:00.000Z' });
  });

  it('copies only the slip details KOMOJU sent; a card payment has no slip', () => {
    const bare = konbiniSlip(wireKonbini({ payment_details: { type: 'konbini', store: 'ministop', confirmation_code: null } }), GRACE_MS);
    expect(bare?.details).toEqual({ store: 'ministop' });
    const storeless = konbiniSlip(wireKonbini({ payment_details: { type: 'konbini' } as never }), GRACE_MS);
    expect(storeless?.details).toEqual({});
    expect(storeless?.reason).toBe('konbini slip issued: waiting for the customer to pay at the store');
    expect(bare?.reason).toBe('konbini slip issued at ministop: waiting for the customer to pay at the store');
    expect(konbiniSlip(wirePayment(), GRACE_MS)).toBeUndefined();
  });
});

describe('KOMOJU session → ProviderPayment', () => {
  it('maps session states; owner is the session and its external_order_num', () => {
    const owner = { orderId: 'order-1', reference: 'sess1' };
    expect(fromSession(wireSession(), GRACE_MS)).toEqual({ paymentId: null, status: 'open', amount: 1500, currency: 'JPY', owner });
    expect(fromSession(wireSession({ expired: true }), GRACE_MS)).toMatchObject({ status: 'expired', owner });
    expect(fromSession(wireSession({ status: 'cancelled' }), GRACE_MS)).toMatchObject({ status: 'cancelled', owner });
    expect(fromSession(wireSession({ status: 'completed', payment: wirePayment() }), GRACE_MS)).toEqual({
      paymentId: 'pay1',
      status: 'captured',
      amount: 1500,
      currency: 'JPY',
      owner,
    });
    expect(fromSession(wireSession({ payment_data: undefined }), GRACE_MS).owner).toEqual({ orderId: null, reference: 'sess1' });
  });

  it('a completed session without a payment asks to be read again; an unknown status does not', () => {
    expect(thrown(() => fromSession(wireSession({ status: 'completed' }), GRACE_MS))).toMatchObject({ code: 'invalid_response', retryable: true });
    const unknown = thrown(() => fromSession(wireSession({ status: 'archived' as never }), GRACE_MS));
    expect(unknown).toMatchObject({ code: 'unexpected_status', retryable: false });
  });

  it('a failed attempt on a page that is still open leaves the checkout open', () => {
    for (const komoju of ['failed', 'cancelled', 'expired']) {
      const session = wireSession({ payment: wirePayment({ status: status(komoju), captured_at: null }) });
      expect(fromSession(session, GRACE_MS)).toEqual({
        paymentId: 'pay1',
        status: 'open',
        amount: 1500,
        currency: 'JPY',
        owner: { orderId: 'order-1', reference: 'sess1' },
      });
    }
    // Once the page itself is gone, the failure stands.
    const failed = wirePayment({ status: status('failed'), captured_at: null });
    expect(fromSession(wireSession({ expired: true, payment: failed }), GRACE_MS).status).toBe('failed');
    expect(fromSession(wireSession({ status: 'cancelled', payment: failed }), GRACE_MS).status).toBe('failed');
    expect(fromSession(wireSession({ status: 'completed', payment: failed }), GRACE_MS).status).toBe('failed');
  });

  it('a cancelled page whose payment never went anywhere is cancelled; other payments stand', () => {
    const open = wirePayment({ status: 'pending', captured_at: null });
    expect(fromSession(wireSession({ status: 'cancelled', payment: open }), GRACE_MS)).toMatchObject({ paymentId: 'pay1', status: 'cancelled' });
    expect(fromSession(wireSession({ payment: open }), GRACE_MS).status).toBe('open');
    // A payment that slipped in before the cancel is reported, not lost.
    expect(fromSession(wireSession({ status: 'cancelled', payment: wirePayment() }), GRACE_MS).status).toBe('captured');
  });

  it("a session's konbini slip is a pending payment of the session's order", () => {
    const session = wireSession({ status: 'completed', payment_methods: [{ type: 'konbini' }], payment: wireKonbini() });
    expect(fromSession(session, GRACE_MS)).toMatchObject({
      paymentId: 'pay1',
      status: 'pending',
      owner: { orderId: 'order-1', reference: 'sess1' },
      pending: { kind: 'konbini', deadline: '2018-10-18T14:59:59Z', notice: 'konbini_instructions' },
    });
  });
});

describe('KOMOJU session body', () => {
  it('builds the session body KOMOJU expects: return_url under the checkout, lifetime capped', () => {
    const body = sessionBody(startRequest('order-9', { expiresInSeconds: 999_999 }));
    expect(body).toEqual({
      amount: 3000,
      currency: 'JPY',
      return_url: 'https://shop.example/checkouts/order-9/return',
      email: 'hanako@example.com',
      default_locale: 'ja',
      payment_types: ['credit_card'],
      expires_in_seconds: 86_400,
      payment_data: { external_order_num: 'order-9' },
      metadata: { order_id: 'order-9' },
      line_items: [{ description: 'S seat', amount: 1500, quantity: 2 }],
    });
    expect(sessionBody(startRequest('order-9', { expiresInSeconds: 0.2 })).expires_in_seconds).toBe(1);
    expect(sessionBody(startRequest('order-9', { expiresInSeconds: 59.5 })).expires_in_seconds).toBe(60);
  });
});
