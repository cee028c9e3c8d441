/** ResursClient failures over real HTTP: what is retryable, and that the password never leaks. */
import http from 'node:http';
import * as soap from 'soap';
import { type HostedFlowPayload, ResursClient } from '../../src/providers/resurs/client';
import { bookArgs, everythingIn, expectProviderError, type Harness, listenOn, PASSWORD, type Server, startHarness, USERNAME } from './resurs-harness';

const SECRETS = [PASSWORD, Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')];

function expectNoSecret(err: unknown): void {
  const all = everythingIn(err);
  for (const secret of SECRETS) expect(all).not.toContain(secret);
}

/** A server that answers every request with `reply` (or never answers). */
async function fakeResurs(reply: { status: number; type: string; body: string } | 'hang'): Promise<Server> {
  return listenOn(
    http.createServer((req, res) => {
      req.resume();
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'Content-Type': reply.type }).end(reply.body);
    }),
  );
}

/** Enough of a hosted-flow payload for the client to send it (the fake servers do not read it). */
const HOSTED: HostedFlowPayload = {
  paymentData: { preferredId: 'h-1', paymentMethodId: 'INVOICE', customerIpAddress: '127.0.0.1' },
  orderData: { orderLines: [], totalAmount: 100, totalVatAmount: 20 },
  customer: { address: { fullName: 'A B', firstName: 'A', lastName: 'B', addressRow1: 'Gata 1', postalArea: 'Ort', postalCode: '12345', country: 'SE' }, email: 'a@example.com', type: 'NATURAL' },
  successUrl: 'https://shop.example/ok',
  failUrl: 'https://shop.example/fail',
  waitForFraudControl: true,
  annulIfFrozen: false,
  finalizeIfBooked: false,
};

const clientFor = (apiUrl: string, timeoutMs = 2_000) => new ResursClient({ apiUrl, username: USERNAME, password: PASSWORD, timeoutMs });

const SERVER_FAULT = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>
<faultcode>soap:Server</faultcode><faultstring>Database unavailable</faultstring></soap:Fault></soap:Body></soap:Envelope>`;

describe('ResursClient failures', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const serve = async (reply: Parameters<typeof fakeResurs>[0]) => {
    const s = await fakeResurs(reply);
    servers.push(s);
    return s.url;
  };

  it('nobody listening: network_error, retryable, no password', async () => {
    const dead = await fakeResurs('hang');
    await dead.close();
    const err = await expectProviderError(clientFor(dead.url).getPayment('p1'), 'network_error', true);
    expect(err.message).toMatch(/^Resurs AfterShopFlowService\.getPayment: /);
    expectNoSecret(err);
    const hosted = await expectProviderError(clientFor(dead.url).hostedFlow(HOSTED), 'network_error', true);
    expectNoSecret(hosted);
  });

  it('no answer in time: timeout, retryable (SOAP and hosted flow)', async () => {
    const url = await serve('hang');
    const started = Date.now();
    const err = await expectProviderError(clientFor(url, 300).bookSignedPayment('p1'), 'timeout', true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expectNoSecret(err);
    await expectProviderError(clientFor(url, 300).hostedFlow(HOSTED), 'timeout', true);
  });

  it('a 502 page from a proxy: retryable; soap:Server without an ECommerceError: retryable', async () => {
    const proxy = await serve({ status: 502, type: 'text/html', body: '<html><body>Bad gateway</body></html>' });
    const err = await expectProviderError(clientFor(proxy).getPaymentMethods(), 'http_502', true);
    expect(err.status).toBe(502);
    expectNoSecret(err);
    const broken = await serve({ status: 500, type: 'text/xml', body: SERVER_FAULT });
    const fault = await expectProviderError(clientFor(broken).getPayment('p1'), 'soap_server_fault', true);
    expect(fault.message).toContain('Database unavailable');
    expectNoSecret(fault);
  });

  it('a 200 that is not SOAP: invalid_response, retryable (the call may have happened)', async () => {
    const url = await serve({ status: 200, type: 'text/html', body: '<html>maintenance</html>' });
    expectNoSecret(await expectProviderError(clientFor(url).finalizePayment('p1', { preferredTransactionId: 't', totalAmount: 1 }), 'invalid_response', true));
  });

  it('hosted flow: judged by the body, not the status (a location in a 500 is still a success; an error in a 200 is not)', async () => {
    const odd = await serve({ status: 500, type: 'application/json', body: JSON.stringify({ location: 'https://pay.example/customer-landing-page/abc123' }) });
    expect(await clientFor(odd).hostedFlow(HOSTED)).toEqual({ location: 'https://pay.example/customer-landing-page/abc123', paymentSessionId: 'abc123' });
    const refused = await serve({ status: 200, type: 'application/json', body: JSON.stringify({ error: 'ILLEGAL_ARGUMENT', message: 'no' }) });
    const err = await expectProviderError(clientFor(refused).hostedFlow(HOSTED), 'hosted_flow_refused', false);
    expect(err.message).toContain('ILLEGAL_ARGUMENT: no');
    const html = await serve({ status: 503, type: 'text/html', body: '<html>down</html>' });
    await expectProviderError(clientFor(html).hostedFlow(HOSTED), 'invalid_response', true);
  });
});

describe('ResursClient against the sandbox: errors and the served WSDL', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('ECommerceError faults and refused credentials carry no password', async () => {
    const args = bookArgs('BOOKED');
    await h.client.bookPayment(args);
    const dup = await expectProviderError(h.client.bookPayment(args), 'already_exists', false);
    expectNoSecret(dup);
    expectNoSecret(await expectProviderError(h.client.getPayment('missing'), 'not_found', false));
    const wrongUser = new ResursClient({ apiUrl: h.apiUrl, username: 'intruder', password: PASSWORD });
    expectNoSecret(await expectProviderError(wrongUser.getPayment('missing'), 'unauthorized', false));
  });

  it('serves ?wsdl (behind Basic auth) pointing at itself, with its XSDs; a client built from it works', async () => {
    const url = `${h.apiUrl}/ws/V4/AfterShopFlowService?wsdl`;
    expect((await fetch(url)).status).toBe(401);
    const authorization = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
    const wsdl = await (await fetch(url, { headers: { Authorization: authorization } })).text();
    expect(wsdl).toContain(`<soap:address location="${h.apiUrl}/ws/V4/AfterShopFlowService"/>`);
    const xsd = await fetch(`${h.apiUrl}/ws/V4/common.xsd`, { headers: { Authorization: authorization } });
    expect(await xsd.text()).toContain('targetNamespace="http://ecommerce.resurs.com/v4/types/common"');

    const remote = await soap.createClientAsync(url, { wsdl_headers: { Authorization: authorization }, disableCache: true });
    remote.setSecurity(new soap.BasicAuthSecurity(USERNAME, PASSWORD));
    const { paymentId } = await h.client.bookPayment(bookArgs('BOOKED'));
    const [answer] = (await remote.getPaymentAsync({ paymentId })) as [{ return: { id: string; status: string[] } }];
    expect(answer.return).toMatchObject({ id: paymentId, status: ['DEBITABLE'] });
    await h.sandbox.drain();
  });
});
