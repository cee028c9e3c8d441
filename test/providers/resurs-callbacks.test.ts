/** Resurs callbacks from the sandbox to a real listener: methods, digests, duplicates, retries, operator sequences. */
import { verifyCallbackDigest } from '../../src/providers/resurs/digest';
import type { CallbackDeliveryDoc } from '../../src/sandbox/resurs';
import { bookArgs, type Harness, type Received, SALT, startHarness } from './resurs-harness';

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

const of = (type: string, paymentId?: string) =>
  h.received.filter((r) => r.path === `/webhooks/resurs/${type}` && (paymentId === undefined || r.query.get('paymentId') === paymentId));

function signedWith(r: Received, salt: string, params: string[]): boolean {
  return verifyCallbackDigest(r.query.get('digest'), params, salt);
}

async function operator(path: string): Promise<Response> {
  return fetch(`${h.apiUrl}${path}`, { method: 'POST' });
}

async function deliveries(query = ''): Promise<Array<CallbackDeliveryDoc & { id: string }>> {
  const res = await fetch(`${h.apiUrl}/callbacks${query}`);
  return ((await res.json()) as { data: Array<CallbackDeliveryDoc & { id: string }> }).data;
}

describe('callbacks after a booking', () => {
  it('BOOKED arrives twice: as a POST with a JSON body and as a GET, same URL, valid SHA1 digest, two user agents', async () => {
    const { paymentId } = await h.client.bookPayment(bookArgs('BOOKED'));
    await h.sandbox.drain();
    const booked = of('BOOKED', paymentId);
    expect(booked.map((r) => r.method).sort()).toEqual(['GET', 'POST']);
    for (const r of booked) {
      expect(r.query.get('result')).toBe('');
      expect(signedWith(r, SALT, [paymentId])).toBe(true);
      expect(r.query.get('digest')).toMatch(/^[0-9A-F]{40}$/);
    }
    const post = booked.find((r) => r.method === 'POST')!;
    expect(post.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(post.body)).toEqual({ addedPaymentSpecificationLines: [] });
    expect(new Set(booked.map((r) => r.headers['user-agent'])).size).toBe(2);
    expect(h.received).toHaveLength(2);
  });

  it('FINALIZED person: BOOKED and FINALIZATION (GET)', async () => {
    const { paymentId } = await h.client.bookPayment(bookArgs('FINALIZED'));
    await h.sandbox.drain();
    const fin = of('FINALIZATION', paymentId);
    expect(fin).toHaveLength(1);
    expect(fin[0].method).toBe('GET');
    expect(signedWith(fin[0], SALT, [paymentId])).toBe(true);
    expect(of('BOOKED', paymentId)).toHaveLength(2);
  });

  it('DENIED and SIGNING send nothing until something is booked; signing books (a customer who never returns still pays)', async () => {
    await h.client.bookPayment(bookArgs('DENIED'));
    const signing = await h.client.bookPayment(bookArgs('SIGNING'));
    await h.sandbox.drain();
    expect(h.received).toHaveLength(0);
    const url = new URL(signing.signingUrl!);
    await fetch(`${url.origin}${url.pathname}/sign`, { method: 'POST', body: new URLSearchParams({ token: url.searchParams.get('token')! }), redirect: 'manual' });
    await h.sandbox.drain();
    expect(of('BOOKED', signing.paymentId)).toHaveLength(2);
    // The shop's bookSignedPayment afterwards answers the state and books nothing more.
    expect((await h.client.bookSignedPayment(signing.paymentId)).bookPaymentStatus).toBe('BOOKED');
    await h.sandbox.drain();
    expect(of('BOOKED', signing.paymentId)).toHaveLength(2);
  });

  it('after-shop changes send UPDATE (POST {paymentDiff}); a full annulment also ANNULMENT', async () => {
    const { paymentId } = await h.client.bookPayment(bookArgs('BOOKED'));
    await h.client.finalizePayment(paymentId, { preferredTransactionId: `${paymentId}-d1`, totalAmount: 1000 });
    await h.sandbox.drain();
    const update = of('UPDATE', paymentId);
    expect(update).toHaveLength(1);
    expect(update[0].method).toBe('POST');
    expect(JSON.parse(update[0].body)).toMatchObject({ paymentDiff: { type: 'DEBIT', transactionId: `${paymentId}-d1`, paymentSpecification: { totalAmount: 1000 } } });
    expect(signedWith(update[0], SALT, [paymentId])).toBe(true);
    await h.client.annulPayment(paymentId, { preferredTransactionId: 'unused' });
    await h.sandbox.drain();
    expect(of('UPDATE', paymentId).map((r) => (JSON.parse(r.body) as { paymentDiff: { type: string } }).paymentDiff.type)).toEqual(['DEBIT', 'ANNUL']);
    // 250 annulled after 1000 debited: not annulled as a whole, so no ANNULMENT.
    expect(of('ANNULMENT', paymentId)).toHaveLength(0);

    const other = (await h.client.bookPayment(bookArgs('BOOKED'))).paymentId;
    await h.client.annulPayment(other, { preferredTransactionId: 'unused' });
    await h.sandbox.drain();
    expect(of('ANNULMENT', other)).toHaveLength(1);
    expect(of('ANNULMENT', other)[0].method).toBe('GET');
  });
});

describe('retries', () => {
  it('a 500 from the receiver is retried until delivered; the attempts are recorded', async () => {
    h.replies.push(500, 500);
    await operator('/callbacks/test');
    await h.sandbox.drain();
    const tests = of('TEST');
    expect(tests).toHaveLength(3);
    expect(tests.every((r) => r.query.get('param1') === '1' && r.query.get('param5') === '5')).toBe(true);
    expect(signedWith(tests[0], SALT, ['1', '2', '3', '4', '5'])).toBe(true);
    const [doc] = await deliveries('?type=TEST');
    expect(doc).toMatchObject({ status: 'delivered', attempts: 3, last_status: 204 });
    expect(doc.attempt_log.map((a) => a.status)).toEqual([500, 500, 204]);
  });

  it('BOOKED with a 500 on its first request: still both methods delivered, three requests in all', async () => {
    h.replies.push(500);
    const { paymentId } = await h.client.bookPayment(bookArgs('BOOKED'));
    await h.sandbox.drain();
    expect(of('BOOKED', paymentId)).toHaveLength(3);
    const docs = await deliveries(`?paymentId=${paymentId}`);
    expect(docs.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    expect(docs.map((d) => d.attempts).sort()).toEqual([1, 2]);
  });

  it('a redirect is not delivery (Resurs does not follow them); giving up after maxAttempts', async () => {
    h.replies.push(302, 500, 500, 500, 500);
    await operator('/callbacks/test');
    await h.sandbox.drain();
    const [doc] = await deliveries('?type=TEST');
    expect(doc).toMatchObject({ status: 'failed', attempts: 5, last_status: 500 });
    expect(doc.attempt_log[0].status).toBe(302);
  });
});

describe('fraud review from the operator page', () => {
  it('FROZEN → AUTOMATIC_FRAUD_CONTROL FROZEN; thaw → AUTOMATIC_FRAUD_CONTROL THAWED, payment released', async () => {
    const { paymentId } = await h.client.bookPayment(bookArgs('FROZEN'));
    await h.sandbox.drain();
    const frozen = of('AUTOMATIC_FRAUD_CONTROL', paymentId);
    expect(frozen).toHaveLength(1);
    expect(frozen[0].query.get('result')).toBe('FROZEN');
    expect(signedWith(frozen[0], SALT, [paymentId, 'FROZEN'])).toBe(true);
    expect(signedWith(frozen[0], SALT, [paymentId, 'THAWED'])).toBe(false);

    const res = await operator(`/payments/${paymentId}/thaw`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: paymentId, frozen: false, payment: { status: ['DEBITABLE'] } });
    await h.sandbox.drain();
    const afc = of('AUTOMATIC_FRAUD_CONTROL', paymentId);
    expect(afc.map((r) => r.query.get('result'))).toEqual(['FROZEN', 'THAWED']);
    expect(signedWith(afc[1], SALT, [paymentId, 'THAWED'])).toBe(true);
    expect((await h.client.getPayment(paymentId)).frozen).toBe(false);
    // Not frozen any more: a second thaw is refused and sends nothing.
    expect((await operator(`/payments/${paymentId}/thaw`)).status).toBe(422);
    await h.sandbox.drain();
    expect(of('AUTOMATIC_FRAUD_CONTROL', paymentId)).toHaveLength(2);
  });

  it('FROZEN → unfreeze: UNFREEZE, then the shop can finalize', async () => {
    const { paymentId } = await h.client.bookPayment(bookArgs('FROZEN'));
    expect((await operator(`/payments/${paymentId}/unfreeze`)).status).toBe(200);
    await h.sandbox.drain();
    const unfreeze = of('UNFREEZE', paymentId);
    expect(unfreeze).toHaveLength(1);
    expect(unfreeze[0].method).toBe('GET');
    expect(signedWith(unfreeze[0], SALT, [paymentId])).toBe(true);
    await h.client.finalizePayment(paymentId, { preferredTransactionId: `${paymentId}-d`, totalAmount: 1250 });
    expect((await h.client.getPayment(paymentId)).status).toContain('IS_DEBITED');
  });

  it('FROZEN → annul: ANNULMENT, payment annulled; the shop can no longer finalize', async () => {
    const { paymentId } = await h.client.bookPayment(bookArgs('FROZEN'));
    expect((await operator(`/payments/${paymentId}/annul`)).status).toBe(200);
    await h.sandbox.drain();
    expect(of('ANNULMENT', paymentId)).toHaveLength(1);
    expect(signedWith(of('ANNULMENT', paymentId)[0], SALT, [paymentId])).toBe(true);
    expect(await h.client.getPayment(paymentId)).toMatchObject({ frozen: false, totalAmount: 0, status: ['IS_ANNULLED'] });
    await expect(h.client.finalizePayment(paymentId, { preferredTransactionId: 'x', totalAmount: 1250 })).rejects.toMatchObject({ code: 'invalid_finalization' });
  });

  it('resend sends every event of the payment again (BOOKED again as POST and GET)', async () => {
    const { paymentId } = await h.client.bookPayment(bookArgs('FROZEN'));
    await h.sandbox.drain();
    expect(h.received).toHaveLength(3);
    const res = await operator(`/payments/${paymentId}/resend-callbacks`);
    expect(await res.json()).toMatchObject({ resent: 2 });
    await h.sandbox.drain();
    expect(of('BOOKED', paymentId).map((r) => r.method).sort()).toEqual(['GET', 'GET', 'POST', 'POST']);
    expect(of('AUTOMATIC_FRAUD_CONTROL', paymentId).map((r) => r.query.get('result'))).toEqual(['FROZEN', 'FROZEN']);
  });

  it('the operator pages show the payment, its callbacks and the buttons a frozen payment needs', async () => {
    const { paymentId } = await h.client.bookPayment(bookArgs('FROZEN'));
    await h.sandbox.drain();
    const page = await (await fetch(`${h.apiUrl}/payments/${paymentId}`)).text();
    for (const action of ['thaw', 'unfreeze', 'annul', 'resend-callbacks']) expect(page).toContain(`action="/sandbox/resurs/payments/${paymentId}/${action}"`);
    expect(page).toContain('AUTOMATIC_FRAUD_CONTROL FROZEN');
    const index = await (await fetch(`${h.apiUrl}/`)).text();
    expect(index).toContain(`data-payment="${paymentId}"`);
    expect(index).toContain('198209123705');
    // A form post answers 303 back to the page.
    const form = await fetch(`${h.apiUrl}/payments/${paymentId}/thaw`, { method: 'POST', body: new URLSearchParams({}), redirect: 'manual' });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toBe(`/sandbox/resurs/payments/${paymentId}`);
  });
});

describe('registered callback URLs', () => {
  it('registerEventCallback: the template is filled in and signed with the registered salt', async () => {
    await h.client.registerEventCallback('BOOKED', `${h.listenerUrl}/shop/resurs/booked/{paymentId}?d={digest}&src=resurs`, 'other-salt');
    await h.client.registerEventCallback('AUTOMATIC_FRAUD_CONTROL', `${h.listenerUrl}/shop/resurs/afc?id={paymentId}&r={result}&d={digest}`, 'afc-salt');
    try {
      const args = bookArgs('FROZEN', { preferredId: `reg order/${Date.now()}` });
      const { paymentId } = await h.client.bookPayment(args);
      await h.sandbox.drain();
      const booked = h.received.filter((r) => r.path === `/shop/resurs/booked/${encodeURIComponent(paymentId)}`);
      expect(booked.map((r) => r.method).sort()).toEqual(['GET', 'POST']);
      expect(booked[0].query.get('src')).toBe('resurs');
      expect(verifyCallbackDigest(booked[0].query.get('d'), [paymentId], 'other-salt')).toBe(true);
      expect(verifyCallbackDigest(booked[0].query.get('d'), [paymentId], SALT)).toBe(false);
      const afc = h.received.find((r) => r.path === '/shop/resurs/afc')!;
      expect(afc.query.get('id')).toBe(paymentId);
      expect(afc.query.get('r')).toBe('FROZEN');
      expect(verifyCallbackDigest(afc.query.get('d'), [paymentId, 'FROZEN'], 'afc-salt')).toBe(true);
      expect(of('BOOKED')).toHaveLength(0);
    } finally {
      await h.client.unregisterEventCallback('BOOKED');
      await h.client.unregisterEventCallback('AUTOMATIC_FRAUD_CONTROL');
    }
  });
});
