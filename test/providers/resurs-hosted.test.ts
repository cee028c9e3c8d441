/** The hosted flow: back-channel → location → Resurs' page → the shop's URLs; callbacks tell the outcome. */
import { type HostedFlowPayload, ResursClient } from '../../src/providers/resurs/client';
import { RESURS_TEST_PERSONS } from '../../src/sandbox/resurs';
import { bookArgs, expectProviderError, type Harness, newOrderId, PASSWORD, startHarness, USERNAME } from './resurs-harness';

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

function hostedPayload(overrides: Partial<HostedFlowPayload> = {}, governmentId?: string): HostedFlowPayload {
  const simple = bookArgs('BOOKED', { preferredId: newOrderId('hosted') });
  const id = simple.paymentData.preferredId;
  return {
    paymentData: { preferredId: id, paymentMethodId: 'INVOICE', customerIpAddress: '127.0.0.1' },
    orderData: {
      orderLines: simple.orderData.specLines.map(({ id: _id, ...line }) => line),
      totalAmount: simple.orderData.totalAmount,
      totalVatAmount: simple.orderData.totalVatAmount,
    },
    customer: { ...simple.customer, governmentId },
    successUrl: `https://shop.example/checkouts/${id}/return?result=success`,
    failUrl: `https://shop.example/checkouts/${id}/return?result=fail`,
    backUrl: `https://shop.example/checkouts/${id}?back=1`,
    waitForFraudControl: true,
    annulIfFrozen: false,
    finalizeIfBooked: false,
    ...overrides,
  };
}

async function press(location: string, button: 'pay' | 'fail' | 'back', governmentId?: string): Promise<{ status: number; location: string | null }> {
  const res = await fetch(`${location}/${button}`, {
    method: 'POST',
    body: new URLSearchParams(governmentId ? { governmentId } : {}),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location') };
}

describe('hosted flow', () => {
  it('back-channel → location → page → pay as the BOOKED person → successUrl; the payment exists, BOOKED callbacks sent', async () => {
    const payload = hostedPayload();
    const started = await h.client.hostedFlow(payload);
    expect(started.location).toBe(`${h.apiUrl}/hostedflow/customer-landing-page/${started.paymentSessionId}`);
    const page = await fetch(started.location);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const person of Object.values(RESURS_TEST_PERSONS)) expect(html).toContain(person.governmentId);

    expect(await press(started.location, 'pay', RESURS_TEST_PERSONS.BOOKED.governmentId)).toEqual({ status: 303, location: payload.successUrl });
    const payment = await h.client.getPayment(payload.paymentData.preferredId);
    expect(payment).toMatchObject({ totalAmount: 1250, status: ['DEBITABLE'], frozen: false });
    await h.sandbox.drain();
    expect(h.received.filter((r) => r.path === '/webhooks/resurs/BOOKED').map((r) => r.method).sort()).toEqual(['GET', 'POST']);
    // The page is spent: paying again does not book twice.
    expect((await press(started.location, 'pay', RESURS_TEST_PERSONS.BOOKED.governmentId)).status).toBe(409);
    expect((await h.client.getPayment(payload.paymentData.preferredId)).paymentDiffs).toHaveLength(1);
  });

  it('keeps the payload as EComPHP sends it (orderLines, countryCode beside country)', async () => {
    const payload = hostedPayload();
    const started = await h.client.hostedFlow(payload);
    const state = (await (await fetch(`${h.apiUrl}/?format=json`)).json()) as { hostedSessions: Array<{ _id: string; payload: HostedFlowPayload }> };
    const session = state.hostedSessions.find((s) => s._id === started.paymentSessionId)!;
    expect(session.payload.orderData.orderLines).toHaveLength(1);
    expect(session.payload.customer.address).toMatchObject({ country: 'SE', countryCode: 'SE' });
    expect(session.payload.successUrl).toBe(payload.successUrl);
  });

  it('FROZEN person → successUrl (the outcome comes by callback); DENIED person → failUrl, no payment', async () => {
    const frozen = hostedPayload();
    const a = await h.client.hostedFlow(frozen);
    expect((await press(a.location, 'pay', RESURS_TEST_PERSONS.FROZEN.governmentId)).location).toBe(frozen.successUrl);
    expect((await h.client.getPayment(frozen.paymentData.preferredId)).frozen).toBe(true);
    await h.sandbox.drain();
    expect(h.received.find((r) => r.path === '/webhooks/resurs/AUTOMATIC_FRAUD_CONTROL')?.query.get('result')).toBe('FROZEN');

    const denied = hostedPayload();
    const b = await h.client.hostedFlow(denied);
    expect((await press(b.location, 'pay', RESURS_TEST_PERSONS.DENIED.governmentId)).location).toBe(denied.failUrl);
    expect(await h.client.findPayment(denied.paymentData.preferredId)).toBeNull();
  });

  it('SIGNING person → the signing page → successUrl; Resurs books it itself (no bookSignedPayment)', async () => {
    const payload = hostedPayload({ finalizeIfBooked: true });
    const started = await h.client.hostedFlow(payload);
    const toSigning = await press(started.location, 'pay', RESURS_TEST_PERSONS.SIGNING.governmentId);
    expect(toSigning.status).toBe(303);
    expect(toSigning.location).toMatch(new RegExp(`^${h.apiUrl}/sign/`));
    const signUrl = new URL(toSigning.location!);
    const signed = await fetch(`${signUrl.origin}${signUrl.pathname}/sign`, { method: 'POST', body: new URLSearchParams({ token: signUrl.searchParams.get('token')! }), redirect: 'manual' });
    expect(signed.headers.get('location')).toBe(payload.successUrl);
    expect((await h.client.getPayment(payload.paymentData.preferredId)).status).toContain('IS_DEBITED');
  });

  it('signing page "back" in the hosted flow → backUrl, and nothing is booked', async () => {
    const payload = hostedPayload({ forceSigning: true });
    const started = await h.client.hostedFlow(payload);
    const signUrl = new URL((await press(started.location, 'pay', RESURS_TEST_PERSONS.BOOKED.governmentId)).location!);
    const back = await fetch(`${signUrl.origin}${signUrl.pathname}/back`, { method: 'POST', body: new URLSearchParams({ token: signUrl.searchParams.get('token')! }), redirect: 'manual' });
    expect(back.headers.get('location')).toBe(payload.backUrl);
    expect(await h.client.findPayment(payload.paymentData.preferredId)).toBeNull();
  });

  it('the page\'s Fail → failUrl, Back → backUrl (failUrl when the shop gave none)', async () => {
    const a = hostedPayload();
    expect(await press((await h.client.hostedFlow(a)).location, 'fail')).toEqual({ status: 303, location: a.failUrl });
    const b = hostedPayload();
    expect(await press((await h.client.hostedFlow(b)).location, 'back')).toEqual({ status: 303, location: b.backUrl });
    const c = hostedPayload({ backUrl: undefined });
    expect(await press((await h.client.hostedFlow(c)).location, 'back')).toEqual({ status: 303, location: c.failUrl });
    expect(await h.client.findPayment(a.paymentData.preferredId)).toBeNull();
  });

  it('a government id given in the payload is preselected', async () => {
    const started = await h.client.hostedFlow(hostedPayload({}, RESURS_TEST_PERSONS.FROZEN.governmentId));
    const html = await (await fetch(started.location)).text();
    expect(html).toContain(`value="${RESURS_TEST_PERSONS.FROZEN.governmentId}" checked`);
  });

  it('refusals come as {error, message}: bad payload, a booked preferredId, wrong credentials', async () => {
    const bad = await expectProviderError(h.client.hostedFlow(hostedPayload({ paymentData: { preferredId: newOrderId('h'), paymentMethodId: 'NOPE', customerIpAddress: '1.2.3.4' } })), 'hosted_flow_refused', false);
    expect(bad.message).toMatch(/ILLEGAL_ARGUMENT: Unknown paymentMethodId/);
    expect(bad.status).toBe(400);

    const booked = await h.client.bookPayment(bookArgs('BOOKED'));
    const taken = hostedPayload();
    taken.paymentData.preferredId = booked.paymentId;
    const conflict = await expectProviderError(h.client.hostedFlow(taken), 'hosted_flow_refused', false);
    expect(conflict.message).toMatch(/OBJECT_WITH_ID_ALREADY_EXIST/);

    const wrong = new ResursClient({ apiUrl: h.apiUrl, username: USERNAME, password: `${PASSWORD}x` });
    await expectProviderError(wrong.hostedFlow(hostedPayload()), 'unauthorized', false);
  });
});
