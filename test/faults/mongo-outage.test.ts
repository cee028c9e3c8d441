/**
 * Fault family 5: the MongoDB-wire server (our own FerretDB) stopped for ~10 s under a load of
 * checkouts and webhooks, then restarted on the same data and port. The API answers 503 meanwhile
 * (never 500, never hangs), no webhook is lost (the sandbox's retries get through, each event is
 * in the inbox once), and every checkout completes after recovery.
 */
import path from 'node:path';
import { startMongoWireServer, type MongoWireServer } from '../../src/stack/mongo';
import { freePort } from '../../src/stack/ports';
import { ensureFerretDb } from '../../src/stack/tools';
import { testServers } from '../support/servers';
import { eventually } from '../support/eventually';
import { allWorkflowsClosed, EVENT, inboxAudit, Load, mix, PRICE, verdict } from './support/load';
import { probeDuringOutage, tally } from './support/outage';
import { scenarioDir, startSplitService, type SplitService } from './support/processes';

const CHECKOUTS = 30;
const OUTAGE_MS = 10_000;
const scenario = scenarioDir('mongo');
let mongo: MongoWireServer | undefined;
let service: SplitService | undefined;
afterAll(async () => {
  await service?.stop();
  await mongo?.stop();
});

test(`FerretDB stopped ${OUTAGE_MS / 1000} s under ${CHECKOUTS} checkouts: 503 meanwhile, no webhook lost, every checkout ends right`, async () => {
  const started = Date.now();
  const binaryPath = await ensureFerretDb();
  const port = await freePort();
  const dataDir = path.join(scenario.dir, 'mongo');
  // Its output goes to the scenario's folder: a restart that fails must say why.
  const outputFile = scenario.logFile('ferretdb');
  const log = () => undefined;
  mongo = await startMongoWireServer({ dataDir, port, binaryPath, log, outputFile });
  service = await startSplitService(scenario, { temporalAddress: testServers().temporalAddress, mongoUri: mongo.uri }, { KONBINI_GRACE: '1s' });
  const svc = service;
  svc.supervise();
  const load = new Load(svc.url);
  await load.createEvent();
  const kinds = mix(CHECKOUTS);
  const driving = load.run('m', kinds, 10);

  // The outage starts once the load is well under way (checkouts open, payments and webhooks in flight).
  await eventually(async () => load.orders.size, (n) => n >= 12, 120_000);
  await mongo.stop();
  const outageStarted = Date.now();
  const probes = probeDuringOutage(svc.url, [
    { what: 'GET /checkouts/:id', method: 'GET', path: '/checkouts/m-1' },
    { what: 'GET /readyz', method: 'GET', path: '/readyz' },
    { what: 'POST /checkouts', method: 'POST', path: '/checkouts', body: () => ({}) },
  ]);
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  mongo = await startMongoWireServer({ dataDir, port, binaryPath, log, outputFile });
  const outageMs = Date.now() - outageStarted;
  const seen = await probes.stop();

  await driving;
  await allWorkflowsClosed(testServers().temporalAddress, [...load.orders.keys()]);
  const result = await verdict(load, await svc.smtp.list());
  const audit = await eventually(() => inboxAudit(svc.url, mongo!.uri, svc.env.MONGODB_DB), (a) => a.undelivered.length === 0 && a.stuckInInbox.length === 0, 120_000).catch(() => inboxAudit(svc.url, mongo!.uri, svc.env.MONGODB_DB));

  // During the outage every request was answered, and a server-side failure was a 503.
  const context = scenario.describe();
  expect({ hangs: seen.filter((p) => p.status === 'no answer'), context }).toEqual({ hangs: [], context });
  expect(seen.filter((p) => typeof p.status === 'number' && p.status >= 500 && p.status !== 503)).toEqual([]);
  expect(seen.some((p) => p.what === 'GET /checkouts/:id' && p.status === 503)).toBe(true);
  expect(load.serviceErrors()).toEqual([]);
  // No webhook lost, each recorded once, all passed on to their checkouts.
  expect(audit.webhooksSent).toBeGreaterThan(0);
  expect(audit.undelivered).toEqual([]);
  expect(audit.missingFromInbox).toEqual([]);
  expect(audit.stuckInInbox).toEqual([]);
  // Every checkout ends right, one mail per (order, kind), seats and sales exact.
  expect(result.statuses).toEqual(result.wantedStatuses);
  expect(result.gotMails).toEqual(result.wantedMails);
  expect(result.event.ticketTypes[0]).toMatchObject({ sold: result.sold, reserved: 0, available: EVENT.ticketTypes[0].capacity - result.sold });
  expect(result.event.totalSales).toBe(result.sold * PRICE);
  process.stderr.write(
    `[faults] mongo outage ${outageMs} ms: ${CHECKOUTS} checkouts, retried 5xx answers ${JSON.stringify(load.errorTally())}, probes ${JSON.stringify(tally(seen))}, webhooks ${audit.webhooksSent}, inbox ${JSON.stringify(audit.inboxStates)}, worker restarts ${svc.restarts()}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
});
