/** After the booking: finalize, annul, credit, their refusals, and state that survives a restart. */
import { ResursError } from '../../src/providers/resurs/client';
import { bookArgs, expectProviderError, type Harness, newOrderId, startHarness } from './resurs-harness';

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

async function booked(person: 'BOOKED' | 'FROZEN' | 'FINALIZED' = 'BOOKED'): Promise<string> {
  return (await h.client.bookPayment(bookArgs(person))).paymentId;
}

describe('finalizePayment', () => {
  it('debits the whole amount: IS_DEBITED + CREDITABLE, no longer DEBITABLE', async () => {
    const id = await booked();
    await h.client.finalizePayment(id, { preferredTransactionId: `${id}-debit`, totalAmount: 1250 });
    const payment = await h.client.getPayment(id);
    expect(payment.status.sort()).toEqual(['CREDITABLE', 'IS_DEBITED']);
    expect(payment.totalAmount).toBe(1250);
    expect(payment.paymentDiffs.at(-1)).toMatchObject({ type: 'DEBIT', amount: 1250, transactionId: `${id}-debit` });
  });

  it('a repeat with the same preferredTransactionId changes nothing (a retried call after a lost answer)', async () => {
    const id = await booked();
    await h.client.finalizePayment(id, { preferredTransactionId: `${id}-debit`, totalAmount: 1250 });
    await h.client.finalizePayment(id, { preferredTransactionId: `${id}-debit`, totalAmount: 1250 });
    expect((await h.client.getPayment(id)).paymentDiffs.filter((d) => d.type === 'DEBIT')).toHaveLength(1);
  });

  it('in parts: DEBITABLE and CREDITABLE until the rest is debited; never more than booked', async () => {
    const id = await booked();
    await h.client.finalizePayment(id, { preferredTransactionId: `${id}-d1`, totalAmount: 500.5 });
    expect((await h.client.getPayment(id)).status.sort()).toEqual(['CREDITABLE', 'DEBITABLE', 'IS_DEBITED']);
    await expectProviderError(h.client.finalizePayment(id, { preferredTransactionId: `${id}-d2`, totalAmount: 800 }), 'invalid_finalization', false);
    await h.client.finalizePayment(id, { preferredTransactionId: `${id}-d3`, totalAmount: 749.5 });
    expect((await h.client.getPayment(id)).status.sort()).toEqual(['CREDITABLE', 'IS_DEBITED']);
  });

  it('two concurrent finalizations of the whole amount: one debit, the other refused', async () => {
    const id = await booked();
    const results = await Promise.allSettled([
      h.client.finalizePayment(id, { preferredTransactionId: `${id}-a`, totalAmount: 1250 }),
      h.client.finalizePayment(id, { preferredTransactionId: `${id}-b`, totalAmount: 1250 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_finalization' });
    expect((await h.client.getPayment(id)).paymentDiffs.filter((d) => d.type === 'DEBIT')).toHaveLength(1);
  });

  it('refuses a frozen payment (not_allowed_in_payment_state) and an unknown one (not_found)', async () => {
    const id = await booked('FROZEN');
    const err = await expectProviderError(h.client.finalizePayment(id, { preferredTransactionId: `${id}-d`, totalAmount: 1250 }), 'not_allowed_in_payment_state', false);
    expect((err as ResursError).userErrorMessage).toMatch(/frozen/);
    expect((await h.client.getPayment(id)).paymentDiffs).toHaveLength(1);
    await expectProviderError(h.client.finalizePayment(newOrderId('nope'), { preferredTransactionId: 'x', totalAmount: 1 }), 'not_found', false);
  });

  it('refuses a payment that awaits signing: it is not booked', async () => {
    const result = await h.client.bookPayment(bookArgs('SIGNING'));
    await expectProviderError(h.client.finalizePayment(result.paymentId, { preferredTransactionId: 'x', totalAmount: 1250 }), 'not_found', false);
  });
});

describe('annulPayment', () => {
  it('annuls a booked payment: IS_ANNULLED, totalAmount 0, nothing debitable', async () => {
    const id = await booked();
    await h.client.annulPayment(id, { preferredTransactionId: `${id}-annul` });
    const payment = await h.client.getPayment(id);
    expect(payment).toMatchObject({ totalAmount: 0, status: ['IS_ANNULLED'] });
    expect(payment.paymentDiffs.map((d) => [d.type, d.amount])).toEqual([
      ['AUTHORIZE', 1250],
      ['ANNUL', 1250],
    ]);
    await expectProviderError(h.client.finalizePayment(id, { preferredTransactionId: `${id}-d`, totalAmount: 1250 }), 'invalid_finalization', false);
    await expectProviderError(h.client.annulPayment(id, { preferredTransactionId: `${id}-annul` }), 'not_allowed_in_payment_state', false);
  });

  it('annuls a frozen payment (the shop gives up on it)', async () => {
    const id = await booked('FROZEN');
    await h.client.annulPayment(id, { preferredTransactionId: `${id}-annul` });
    expect(await h.client.getPayment(id)).toMatchObject({ frozen: false, totalAmount: 0, status: ['IS_ANNULLED'] });
  });

  it('refuses a finalized payment: credit it instead', async () => {
    const id = await booked('FINALIZED');
    const err = await expectProviderError(h.client.annulPayment(id, { preferredTransactionId: `${id}-annul` }), 'not_allowed_in_payment_state', false);
    expect(err.message).toMatch(/credit it instead/);
    expect((await h.client.getPayment(id)).status).not.toContain('IS_ANNULLED');
  });
});

describe('creditPayment', () => {
  it('credits a finalized payment: IS_CREDITED, totalAmount 0, not CREDITABLE any more', async () => {
    const id = await booked();
    await h.client.finalizePayment(id, { preferredTransactionId: `${id}-d`, totalAmount: 1250 });
    await h.client.creditPayment(id, { preferredTransactionId: `${id}-c`, totalAmount: 1250 });
    const payment = await h.client.getPayment(id);
    expect(payment.totalAmount).toBe(0);
    expect(payment.status.sort()).toEqual(['IS_CREDITED', 'IS_DEBITED']);
    expect(payment.paymentDiffs.at(-1)).toMatchObject({ type: 'CREDIT', amount: 1250, transactionId: `${id}-c` });
  });

  it('in parts, never more than debited', async () => {
    const id = await booked('FINALIZED');
    await h.client.creditPayment(id, { preferredTransactionId: `${id}-c1`, totalAmount: 250 });
    const partly = await h.client.getPayment(id);
    expect(partly.totalAmount).toBe(1000);
    expect(partly.status.sort()).toEqual(['CREDITABLE', 'IS_CREDITED', 'IS_DEBITED']);
    await expectProviderError(h.client.creditPayment(id, { preferredTransactionId: `${id}-c2`, totalAmount: 1001 }), 'invalid_crediting', false);
  });

  it('refuses a payment that was never finalized', async () => {
    const id = await booked();
    await expectProviderError(h.client.creditPayment(id, { preferredTransactionId: `${id}-c`, totalAmount: 1250 }), 'invalid_crediting', false);
    expect((await h.client.getPayment(id)).status).toEqual(['DEBITABLE']);
  });
});

describe('restart', () => {
  it('keeps payments, signings and callback registrations across a sandbox restart', async () => {
    const id = await booked();
    await h.client.finalizePayment(id, { preferredTransactionId: `${id}-d`, totalAmount: 1250 });
    const signing = await h.client.bookPayment(bookArgs('SIGNING'));
    await h.client.registerEventCallback('ANNULMENT', `${h.listenerUrl}/registered/annulment/{paymentId}?digest={digest}`, 'restart-salt');

    await h.restart();

    expect((await h.client.getPayment(id)).status.sort()).toEqual(['CREDITABLE', 'IS_DEBITED']);
    expect(await h.client.getRegisteredEventCallback('ANNULMENT')).toBe(`${h.listenerUrl}/registered/annulment/{paymentId}?digest={digest}`);
    // The signing link handed out before the restart still works (the new process, on a new port here, serves it).
    const oldLink = new URL(signing.signingUrl!);
    const res = await fetch(`${new URL(h.apiUrl).origin}${oldLink.pathname}/sign`, { method: 'POST', body: new URLSearchParams({ token: oldLink.searchParams.get('token')! }), redirect: 'manual' });
    expect(res.status).toBe(303);
    expect((await h.client.bookSignedPayment(signing.paymentId)).bookPaymentStatus).toBe('BOOKED');
    await h.client.unregisterEventCallback('ANNULMENT');
    expect(await h.client.getRegisteredEventCallback('ANNULMENT')).toBeNull();
  });
});
