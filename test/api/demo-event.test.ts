/** `npm start` with the sandboxes offers a demo event at once, created once through the API. */
import { loadConfig } from '../../src/config';
import { offerDemoEvent } from '../../src/demo-event';
import { http, startService, type TestService } from '../support/service';

let service: TestService;
const ADMIN = 'admin-key-0123456789abcdef';
beforeAll(async () => {
  service = await startService({ ADMIN_TOKEN: ADMIN });
});
afterAll(() => service?.stop());

const warnings: string[] = [];
const log = { warn: (_obj: object, msg: string) => void warnings.push(msg) };

test('created the first time (with the operators\' token), left as it is afterwards', async () => {
  expect(await offerDemoEvent(service.config, service.url, log)).toBe('created');
  const event = await http('GET', `${service.url}/events/demo`);
  expect(event.json).toMatchObject({ title: 'Demo: Live at Budokan', currency: 'JPY' });
  expect(event.json.ticketTypes.map((t: { id: string; available: number }) => [t.id, t.available])).toEqual([['general', 100], ['vip', 20]]);
  expect(await offerDemoEvent(service.config, service.url, log)).toBe('exists');
  expect(warnings).toEqual([]);
});

test('not offered without a sandbox (a real provider: the shop creates its own events)', async () => {
  const real = loadConfig({ KOMOJU_API_URL: 'https://komoju.example', KOMOJU_SECRET_KEY: 'sk_x', KOMOJU_WEBHOOK_SECRET: 'whsec_x', RESURS_API_URL: 'https://resurs.example', RESURS_USERNAME: 'u', RESURS_PASSWORD: 'p', RESURS_CALLBACK_SALT: 's' });
  expect(await offerDemoEvent(real, service.url, log)).toBe('skipped');
});

test('an API that refuses is logged, not fatal', async () => {
  const wrongToken = { ...service.config, adminToken: 'not-the-admin-token-at-all' };
  expect(await offerDemoEvent(wrongToken, service.url, log)).toBe('failed');
  expect(warnings).toEqual(['could not create the demo event']);
});
