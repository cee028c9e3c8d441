/**
 * Fault family 4: `npm start` (dist/src/main.js) killed with SIGKILL while checkouts are in
 * flight. No embedded server (Temporal dev server, FerretDB) may outlive it, and the next start
 * on the same DATA_DIR must come up and finish the work in flight.
 * The embedded servers use their well-known ports (7233, 8233, 27017, 1025): the test waits
 * until nothing else holds them (the shared test servers use free ports).
 */
import { DEFAULT_PORTS, freePort, isPortFree } from '../../src/stack/ports';
import { eventually } from '../support/eventually';
import { http } from '../support/service';
import { cardBody, payByCard } from '../support/shop';
import { built, commandOf, descendants, pidAlive, scenarioDir, startNode, type RunningProcess } from './support/processes';

const scenario = scenarioDir('main');
let main: RunningProcess | undefined;
let url = '';
afterAll(async () => {
  await main?.stop();
});

const portsFree = async () => (await Promise.all(Object.values(DEFAULT_PORTS).map((p) => isPortFree(p)))).every(Boolean);

async function startMain(env: Record<string, string>): Promise<RunningProcess> {
  const running = startNode('main', built('main'), env, scenario.logFile('main'));
  await eventually(
    () => fetch(`${url}/readyz`).then((r) => (r.status === 200 ? 'ready' : `readyz ${r.status}`), (e: Error) => (running.alive() ? e.message : 'exited')),
    (state) => state === 'ready' || state === 'exited',
    180_000,
  ).then((state) => {
    if (state !== 'ready') throw new Error(`main exited before it was ready; ${scenario.describe()}`);
  });
  return running;
}

test('npm start killed: no embedded server outlives it; the next start finishes the checkouts in flight', async () => {
  await eventually(portsFree, Boolean, 300_000);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env = { PORT: String(port), PUBLIC_URL: url, DATA_DIR: `${scenario.dir}/data`, LOG_LEVEL: 'info', CHECKOUT_RATE_LIMIT: '1000/1m' };
  main = await startMain(env);
  const servers = descendants(main.pid);
  expect(servers.some((pid) => /ferretdb/.test(commandOf(pid)))).toBe(true);
  expect(servers.some((pid) => /server start-dev/.test(commandOf(pid)))).toBe(true);

  expect((await http('POST', `${url}/events`, { id: 'crash', title: 'Crash Course', currency: 'JPY', ticketTypes: [{ id: 'std', name: 'Standard', price: 1500, capacity: 20 }] })).status).toBe(201);
  // In flight: four paid by card (webhooks on their way, workflows mid-run), two still open.
  const orders = ['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6'];
  const opened = await Promise.all(orders.map((id) => http('POST', `${url}/checkouts`, cardBody(id, 'crash', 'std'))));
  expect(opened.map((r) => r.status)).toEqual(orders.map(() => 201));
  const returns = await Promise.all(opened.slice(0, 4).map((r) => payByCard(r.json.redirectUrl).then((res) => res.headers.get('location')!)));
  await main.kill();

  // Nothing of the killed run is left: every server it started dies with it (not only one).
  const survivors = await eventually(async () => servers.filter(pidAlive), (left) => left.length === 0, 30_000).catch(() => servers.filter(pidAlive));
  expect(survivors.map((pid) => `${pid} ${commandOf(pid)}`)).toEqual([]);

  // The next start on the same DATA_DIR: ready, and the checkouts in flight end right.
  main = await startMain(env);
  const checkout = (id: string) => http('GET', `${url}/checkouts/${id}`).then((r) => r.json?.status as string | undefined);
  for (const id of orders.slice(0, 4)) await eventually(() => checkout(id), (s) => s === 'completed', 180_000);
  // The customers who paid come back (a browser's return after the restart) and see the same order.
  for (const location of returns) expect([200, 302, 303]).toContain((await fetch(location, { redirect: 'manual' })).status);
  // The two unpaid ones are still open, payable after the restart.
  for (const r of opened.slice(4)) {
    expect(await checkout(r.json.orderId)).toBe('pending');
    expect((await payByCard(r.json.redirectUrl)).status).toBe(303);
    await eventually(() => checkout(r.json.orderId), (s) => s === 'completed', 180_000);
  }
  const event = (await http('GET', `${url}/events/crash`)).json;
  expect(event.ticketTypes[0]).toMatchObject({ sold: 6, reserved: 0, available: 14 });
  expect(event.totalSales).toBe(6 * 1500);

  // A clean stop afterwards leaves nothing behind either.
  const second = descendants(main.pid);
  await main.stop();
  await eventually(async () => second.filter(pidAlive), (left) => left.length === 0, 30_000);
  main = undefined;
  expect(await eventually(portsFree, Boolean, 30_000)).toBe(true);
});
