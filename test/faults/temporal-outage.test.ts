/**
 * Fault family 7: our own Temporal dev server (state in a SQLite file) stopped for ~10 s under a
 * load of checkouts, then restarted on the same file and port. Webhooks are still acknowledged
 * meanwhile (recorded in the inbox, 200 to the provider at the first attempt); after the restart
 * the inbox relay signals every one, nothing is lost and every checkout ends right.
 */
import path from 'node:path';
import { freePort } from '../../src/stack/ports';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/stack/temporal';
import { ensureTemporalCli } from '../../src/stack/tools';
import { eventually } from '../support/eventually';
import { http } from '../support/service';
import { testServers } from '../support/servers';
import { cardBody, payByCard } from '../support/shop';
import { allWorkflowsClosed, EVENT, inboxAudit, Load, mix, PRICE, verdict } from './support/load';
import { probeDuringOutage, tally } from './support/outage';
import { scenarioDir, startSplitService, type SplitService } from './support/processes';

const CHECKOUTS = 30;
const OUTAGE_MS = 10_000;
const scenario = scenarioDir('temporal');
let temporal: TemporalDevServer | undefined;
let service: SplitService | undefined;
afterAll(async () => {
  await service?.stop();
  await temporal?.stop();
});

test(`Temporal stopped ${OUTAGE_MS / 1000} s under ${CHECKOUTS} checkouts: webhooks acknowledged from the inbox, all signalled afterwards`, async () => {
  const started = Date.now();
  const cliPath = (await ensureTemporalCli(() => undefined)) ?? null;
  const port = await freePort();
  const dataDir = path.join(scenario.dir, 'temporal');
  const start = () => startTemporalDevServer({ dataDir, port, headless: true, namespace: 'default', cliPath, log: () => undefined });
  temporal = await start();
  service = await startSplitService(scenario, { temporalAddress: temporal.address, mongoUri: testServers().mongoUri }, { KONBINI_GRACE: '1s' });
  const svc = service;
  svc.supervise();
  const load = new Load(svc.url);
  await load.createEvent();

  // Opened before the outage, paid during it: their webhooks arrive while Temporal is down.
  const paidInOutage = ['t-out-1', 't-out-2', 't-out-3', 't-out-4'];
  const opened = await Promise.all(paidInOutage.map((id) => http('POST', `${svc.url}/checkouts`, cardBody(id, EVENT.id, 'seat'))));
  expect(opened.map((r) => r.status)).toEqual(paidInOutage.map(() => 201));
  for (const id of paidInOutage) load.orders.set(id, 'card');

  const kinds = mix(CHECKOUTS);
  const driving = load.run('t', kinds, 10);
  await eventually(async () => load.orders.size, (n) => n >= paidInOutage.length + 12, 120_000);
  await temporal.stop();
  const outageStarted = Date.now();
  const probeIds: string[] = [];
  const probeBody = () => cardBody(probeIds[probeIds.push(`t-probe-${probeIds.length + 1}`) - 1], EVENT.id, 'seat');
  const probes = probeDuringOutage(svc.url, [{ what: 'POST /checkouts', method: 'POST', path: '/checkouts', body: probeBody }]);
  const paid = await Promise.all(opened.map((r) => payByCard(r.json.redirectUrl)));
  expect(paid.map((r) => r.status)).toEqual(paidInOutage.map(() => 303));
  // Their webhooks were acknowledged at the first attempt, with Temporal still down.
  const sessionsAcked = await eventually(
    async () => {
      const sent = (await http('GET', `${svc.url}/sandbox/komoju/webhooks?type=payment.captured&limit=500`)).json.data as Array<{ event: { data: { session?: string } }; status: string; attempts: number }>;
      return opened.map((r) => sent.find((d) => r.json.redirectUrl.endsWith(`/${d.event.data.session}`)));
    },
    (found) => found.every((d) => d?.status === 'delivered'),
    30_000,
  );
  const ackedDuringOutage = Date.now() - outageStarted < OUTAGE_MS;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
  temporal = await start();
  const outageMs = Date.now() - outageStarted;
  const seen = await probes.stop();

  await driving;
  const orderIds = [...load.orders.keys()];
  await allWorkflowsClosed(temporal.address, orderIds);
  const result = await verdict(load, (await svc.smtp.list()).filter((m) => !m.to.some((to) => to.startsWith('t-probe-'))));
  const audit = await eventually(() => inboxAudit(svc.url, testServers().mongoUri, svc.env.MONGODB_DB), (a) => a.undelivered.length === 0 && a.stuckInInbox.length === 0, 120_000).catch(() => inboxAudit(svc.url, testServers().mongoUri, svc.env.MONGODB_DB));

  const context = scenario.describe();
  expect({ ackedDuringOutage, attempts: sessionsAcked.map((d) => d?.attempts), context }).toEqual({ ackedDuringOutage: true, attempts: paidInOutage.map(() => 1), context });
  expect(seen.filter((p) => p.status === 'no answer')).toEqual([]);
  expect(seen.filter((p) => typeof p.status === 'number' && p.status >= 500 && p.status !== 503)).toEqual([]);
  expect(load.serviceErrors()).toEqual([]);
  expect(audit.undelivered).toEqual([]);
  expect(audit.missingFromInbox).toEqual([]);
  expect(audit.stuckInInbox).toEqual([]);
  expect(result.statuses).toEqual(result.wantedStatuses);
  expect(result.gotMails).toEqual(result.wantedMails);
  // A probe opened once Temporal was back (or whose request outlived the outage) holds a seat, unpaid.
  let probesHolding = 0;
  for (const id of probeIds) if (['pending', 'awaiting_payment'].includes((await load.status(id)) ?? '')) probesHolding++;
  expect(result.event.ticketTypes[0]).toMatchObject({ sold: result.sold, reserved: probesHolding });
  expect(result.event.totalSales).toBe(result.sold * PRICE);
  process.stderr.write(
    `[faults] temporal outage ${outageMs} ms: ${CHECKOUTS + paidInOutage.length} checkouts, retried 5xx answers ${JSON.stringify(load.errorTally())}, probes ${JSON.stringify(tally(seen))}, webhooks ${audit.webhooksSent}, inbox ${JSON.stringify(audit.inboxStates)}, worker restarts ${svc.restarts()}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
});
