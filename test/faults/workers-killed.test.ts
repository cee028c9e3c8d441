/**
 * Fault family 3: the worker process SIGKILLed 20 times at random moments while 50 checkouts of
 * every kind run (card, konbini paid and expired, Resurs signing, Resurs fraud review), each time
 * restarted after a short random pause. The API is a separate process and stays up; webhooks
 * and callbacks arrive meanwhile. Every checkout must end as its script implies, with exactly
 * one mail per (order, kind), and the event's seats and sales exact.
 */
import { testServers } from '../support/servers';
import { allWorkflowsClosed, EVENT, Load, mix, PRICE, verdict } from './support/load';
import { scenarioDir, startSplitService, type SplitService } from './support/processes';

const CHECKOUTS = 50;
const KILLS = 20;
const scenario = scenarioDir('workers');
let service: SplitService | undefined;
afterAll(() => service?.stop());

const pause = (minMs: number, maxMs: number) => new Promise((resolve) => setTimeout(resolve, minMs + Math.random() * (maxMs - minMs)));

/**
 * Kills the worker `kills` times, each at a random moment after it started polling (mid-activity,
 * mid-workflow-task, idle), and restarts it after a short random pause.
 */
async function killer(svc: SplitService, kills: number): Promise<number> {
  let done = 0;
  while (done < kills) {
    await svc.worker.printed(/worker running/, 180_000);
    await pause(200, 2_500);
    await svc.worker.kill();
    done++;
    await pause(100, 1_000);
    svc.restartWorker();
  }
  return done;
}

test(`${CHECKOUTS} checkouts of every kind while the worker is killed ${KILLS} times: every one ends right, one mail each, exact seats`, async () => {
  const started = Date.now();
  const { temporalAddress, mongoUri } = testServers();
  service = await startSplitService(scenario, { temporalAddress, mongoUri }, { KONBINI_GRACE: '1s' });
  const svc = service;
  const load = new Load(svc.url);
  await load.createEvent();
  const kinds = mix(CHECKOUTS);

  const killing = killer(svc, KILLS);
  await load.run('w', kinds);
  const kills = await killing;
  await allWorkflowsClosed(temporalAddress, [...load.orders.keys()]);
  const result = await verdict(load, await svc.smtp.list());

  const context = `${scenario.describe()}`;
  expect({ kills, context }).toEqual({ kills: KILLS, context });
  expect(result.statuses).toEqual(result.wantedStatuses);
  expect(result.gotMails).toEqual(result.wantedMails);
  expect(result.event.ticketTypes[0]).toMatchObject({ sold: result.sold, reserved: 0, available: EVENT.ticketTypes[0].capacity - result.sold });
  expect(result.event.totalSales).toBe(result.sold * PRICE);
  // The API stayed up; with no worker to open a checkout it may answer 503 (retried), never 500.
  expect(load.serviceErrors()).toEqual([]);
  process.stderr.write(`[faults] workers killed: ${CHECKOUTS} checkouts ${JSON.stringify(kinds.reduce<Record<string, number>>((n, k) => ({ ...n, [k]: (n[k] ?? 0) + 1 }), {}))}, ${kills} kills, retried 5xx answers ${JSON.stringify(load.errorTally())}, ${result.sold} sold, ${result.optionalSkipped} instruction mails not owed, ${result.resentCopies} mails resent with the same Message-ID, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
});
