/** ResursClient against the built-in sandbox over real HTTP: booking, test persons, signing. */
import { answerSigningPage, bookArgs, expectProviderError, type Harness, newOrderId, PASSWORD, startHarness, USERNAME } from './resurs-harness';
import { ResursClient, ResursError } from '../../src/providers/resurs/client';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

afterEach(async () => {
  await h.reset();
});

describe('bookPayment: the test person decides', () => {
  it('BOOKED person: BOOKED, payment DEBITABLE for the full amount', async () => {
    const args = bookArgs('BOOKED');
    const result = await h.client.bookPayment(args);
    expect(result).toMatchObject({ paymentId: args.paymentData.preferredId, bookPaymentStatus: 'BOOKED', approvedAmount: 1250 });
    expect(result.signingUrl).toBeUndefined();
    expect(result.customer).toMatchObject({ governmentId: RESURS_TEST_PERSONS.BOOKED.governmentId, type: 'NATURAL' });
    const payment = await h.client.getPayment(result.paymentId);
    expect(payment).toMatchObject({ id: result.paymentId, totalAmount: 1250, frozen: false, fraud: false, status: ['DEBITABLE'], paymentMethodId: 'INVOICE', limit: 1250 });
    expect(payment.paymentDiffs).toEqual([expect.objectContaining({ type: 'AUTHORIZE', amount: 1250 })]);
    expect(payment.metaData).toEqual([{ key: 'orderId', value: args.paymentData.preferredId }]);
  });

  it('FINALIZED person: FINALIZED, payment IS_DEBITED and CREDITABLE', async () => {
    const result = await h.client.bookPayment(bookArgs('FINALIZED'));
    expect(result.bookPaymentStatus).toBe('FINALIZED');
    const payment = await h.client.getPayment(result.paymentId);
    expect(payment.status.sort()).toEqual(['CREDITABLE', 'IS_DEBITED']);
    expect(payment.totalAmount).toBe(1250);
    expect(payment.paymentDiffs.map((d) => d.type)).toEqual(['AUTHORIZE', 'DEBIT']);
    expect(payment.finalized).toEqual(expect.any(String));
  });

  it('BOOKED person with finalizeIfBooked: FINALIZED at once, the DEBIT under the preferredTransactionId', async () => {
    const args = bookArgs('BOOKED', { paymentData: { finalizeIfBooked: true, preferredTransactionId: 'tx-auto-1' } });
    const result = await h.client.bookPayment(args);
    expect(result.bookPaymentStatus).toBe('FINALIZED');
    const payment = await h.client.getPayment(result.paymentId);
    expect(payment.paymentDiffs[1]).toMatchObject({ type: 'DEBIT', amount: 1250, transactionId: 'tx-auto-1' });
  });

  it('FROZEN person: FROZEN, payment frozen and not DEBITABLE', async () => {
    const result = await h.client.bookPayment(bookArgs('FROZEN'));
    expect(result.bookPaymentStatus).toBe('FROZEN');
    const payment = await h.client.getPayment(result.paymentId);
    expect(payment).toMatchObject({ frozen: true, totalAmount: 1250, status: [] });
  });

  it('FROZEN person with annulIfFrozen: answered DENIED, the payment annulled at once', async () => {
    const result = await h.client.bookPayment(bookArgs('FROZEN', { paymentData: { annulIfFrozen: true } }));
    expect(result.bookPaymentStatus).toBe('DENIED');
    const payment = await h.client.getPayment(result.paymentId);
    expect(payment).toMatchObject({ frozen: false, totalAmount: 0, status: ['IS_ANNULLED'] });
  });

  it('DENIED person: DENIED, no payment exists, and the same preferredId can be booked again', async () => {
    const args = bookArgs('DENIED');
    const result = await h.client.bookPayment(args);
    expect(result).toMatchObject({ bookPaymentStatus: 'DENIED', approvedAmount: 0 });
    expect(await h.client.findPayment(result.paymentId)).toBeNull();
    const again = await h.client.bookPayment(bookArgs('BOOKED', { preferredId: args.paymentData.preferredId }));
    expect(again.bookPaymentStatus).toBe('BOOKED');
  });

  it('anyone else books normally; an amount above the method maxLimit is DENIED', async () => {
    expect((await h.client.bookPayment(bookArgs('195001011234'))).bookPaymentStatus).toBe('BOOKED');
    expect((await h.client.bookPayment(bookArgs('BOOKED', { totalAmount: 60_000 }))).bookPaymentStatus).toBe('DENIED');
  });

  it('waitForFraudControl=false: an intermediate FROZEN, then the automatic control thaws it', async () => {
    const result = await h.client.bookPayment(bookArgs('BOOKED', { paymentData: { waitForFraudControl: false, finalizeIfBooked: true } }));
    expect(result.bookPaymentStatus).toBe('FROZEN');
    expect((await h.client.getPayment(result.paymentId)).frozen).toBe(true);
    await h.sandbox.drain();
    const thawed = await h.client.getPayment(result.paymentId);
    expect(thawed).toMatchObject({ frozen: false, status: expect.arrayContaining(['IS_DEBITED']) });
    const afc = h.received.find((r) => r.path === '/webhooks/resurs/AUTOMATIC_FRAUD_CONTROL');
    expect(afc?.query.get('result')).toBe('THAWED');
    expect(h.received.some((r) => r.path === '/webhooks/resurs/FINALIZATION')).toBe(true);
  });
});

describe('booking rules', () => {
  it('refuses a second booking of a booked preferredId (already_exists), which findPayment lets the caller avoid', async () => {
    const args = bookArgs('BOOKED');
    expect(await h.client.findPayment(args.paymentData.preferredId)).toBeNull();
    await h.client.bookPayment(args);
    const err = await expectProviderError(h.client.bookPayment(args), 'already_exists', false);
    expect(err).toBeInstanceOf(ResursError);
    expect((err as ResursError).errorTypeId).toBe(19);
    expect(await h.client.findPayment(args.paymentData.preferredId)).toMatchObject({ id: args.paymentData.preferredId, totalAmount: 1250 });
  });

  it('two concurrent bookings of one preferredId: exactly one is booked, one BOOKED callback pair', async () => {
    const args = bookArgs('BOOKED');
    const results = await Promise.allSettled([h.client.bookPayment(args), h.client.bookPayment(args), h.client.bookPayment(args)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) expect(r.reason).toMatchObject({ code: 'already_exists' });
    await h.sandbox.drain();
    expect(h.received.filter((r) => r.path === '/webhooks/resurs/BOOKED')).toHaveLength(2);
    expect((await h.client.getPayment(args.paymentData.preferredId)).paymentDiffs).toHaveLength(1);
  });

  it('getPayment of an unknown payment: not_found, not retryable; findPayment: null', async () => {
    const id = newOrderId('unknown');
    const err = await expectProviderError(h.client.getPayment(id), 'not_found', false);
    expect((err as ResursError).errorTypeDescription).toBe('REFERENCED_DATA_DONT_EXISTS');
    expect(await h.client.findPayment(id)).toBeNull();
  });

  it('refuses bad input with ILLEGAL_ARGUMENT; the client refuses a signing URL with "|" before sending', async () => {
    await expectProviderError(h.client.bookPayment(bookArgs('BOOKED', { preferredId: 'bad#id' })), 'illegal_argument', false);
    await expectProviderError(h.client.bookPayment(bookArgs('BOOKED', { paymentData: { paymentMethodId: 'NOPE' } })), 'illegal_argument', false);
    const mismatch = bookArgs('BOOKED');
    mismatch.orderData.totalAmount = 999;
    await expectProviderError(h.client.bookPayment(mismatch), 'illegal_argument', false);
    await expectProviderError(h.client.bookPayment(bookArgs('BOOKED', { signing: { successUrl: 'https://shop.example/ok?a=1|2' } })), 'invalid_request', false);
  });

  it('lists the payment methods: invoice, part payment, card', async () => {
    const methods = await h.client.getPaymentMethods();
    expect(methods.map((m) => m.id)).toEqual(['INVOICE', 'PARTPAYMENT', 'CARD']);
    expect(methods[1]).toMatchObject({ type: 'REVOLVING_CREDIT', specificType: 'PART_PAYMENT', minLimit: 10, maxLimit: 50000, customerType: ['NATURAL'] });
  });

  it('refuses wrong credentials with a non-retryable unauthorized error', async () => {
    const wrong = new ResursClient({ apiUrl: h.apiUrl, username: USERNAME, password: 'not-the-password' });
    const err = await expectProviderError(wrong.getPaymentMethods(), 'unauthorized', false);
    expect(err.status).toBe(401);
    const noUser = new ResursClient({ apiUrl: h.apiUrl, username: 'someone', password: PASSWORD });
    await expectProviderError(noUser.getPayment('x'), 'unauthorized', false);
  });
});

describe('signing', () => {
  it('SIGNING person: signingUrl without "|"; Sign → successUrl (query kept) → bookSignedPayment BOOKED', async () => {
    const args = bookArgs('SIGNING');
    const result = await h.client.bookPayment(args);
    expect(result.bookPaymentStatus).toBe('SIGNING');
    expect(result.signingUrl).toMatch(new RegExp(`^${h.apiUrl}/sign/`));
    expect(result.signingUrl).not.toContain('|');
    // Not a payment until it is signed and booked.
    expect(await h.client.findPayment(result.paymentId)).toBeNull();
    await expectProviderError(h.client.bookSignedPayment(result.paymentId), 'signing_required', false);

    const { status, location } = await answerSigningPage(result.signingUrl!, 'sign');
    expect(status).toBe(303);
    expect(location).toBe(args.signing.successUrl);

    const signed = await h.client.bookSignedPayment(result.paymentId);
    expect(signed).toMatchObject({ paymentId: result.paymentId, bookPaymentStatus: 'BOOKED', approvedAmount: 1250 });
    expect((await h.client.getPayment(result.paymentId)).status).toEqual(['DEBITABLE']);
    // Asking again answers the state, it does not book twice.
    expect((await h.client.bookSignedPayment(result.paymentId)).bookPaymentStatus).toBe('BOOKED');
    expect((await h.client.getPayment(result.paymentId)).paymentDiffs).toHaveLength(1);
  });

  it('with finalizeIfBooked, the signed payment comes back FINALIZED', async () => {
    const result = await h.client.bookPayment(bookArgs('SIGNING', { paymentData: { finalizeIfBooked: true } }));
    await answerSigningPage(result.signingUrl!, 'sign');
    expect((await h.client.bookSignedPayment(result.paymentId)).bookPaymentStatus).toBe('FINALIZED');
    expect((await h.client.getPayment(result.paymentId)).status).toContain('IS_DEBITED');
  });

  it('forceSigning makes anyone sign first', async () => {
    const result = await h.client.bookPayment(bookArgs('BOOKED', { signing: { forceSigning: true } }));
    expect(result.bookPaymentStatus).toBe('SIGNING');
    await answerSigningPage(result.signingUrl!, 'sign');
    expect((await h.client.bookSignedPayment(result.paymentId)).bookPaymentStatus).toBe('BOOKED');
  });

  it('Fail → failUrl; bookSignedPayment then DENIED and no payment exists', async () => {
    const args = bookArgs('SIGNING');
    const result = await h.client.bookPayment(args);
    const { status, location } = await answerSigningPage(result.signingUrl!, 'fail');
    expect(status).toBe(303);
    expect(location).toBe(args.signing.failUrl);
    expect((await h.client.bookSignedPayment(result.paymentId)).bookPaymentStatus).toBe('DENIED');
    expect(await h.client.findPayment(result.paymentId)).toBeNull();
  });

  it('Back → failUrl (no back URL in the simplified flow); a second answer goes where the first went', async () => {
    const args = bookArgs('SIGNING');
    const result = await h.client.bookPayment(args);
    expect((await answerSigningPage(result.signingUrl!, 'back')).location).toBe(args.signing.failUrl);
    const url = new URL(result.signingUrl!);
    const again = await fetch(`${url.origin}${url.pathname}/sign`, { method: 'POST', body: new URLSearchParams({ token: url.searchParams.get('token')! }), redirect: 'manual' });
    expect(again.headers.get('location')).toBe(args.signing.failUrl);
  });

  it('booking the same preferredId again while it awaits signing replaces the attempt; the old link is dead', async () => {
    const args = bookArgs('SIGNING');
    const first = await h.client.bookPayment(args);
    const second = await h.client.bookPayment(args);
    expect(second.bookPaymentStatus).toBe('SIGNING');
    expect(second.signingUrl).not.toBe(first.signingUrl);
    expect((await fetch(first.signingUrl!)).status).toBe(404);
    expect((await answerSigningPage(second.signingUrl!, 'sign')).location).toBe(args.signing.successUrl);
  });
});
