/** `paced`: a background pass waits `share` times its own duration (and at least `everyMs`) before the next. */
import { paced } from '../../src/api/paced';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startsOf(passMs: number, passes: number) {
  const starts: number[] = [];
  const done = new Promise<void>((resolve) => {
    const timer = paced(
      async () => {
        starts.push(Date.now());
        if (starts.length === passes) {
          timer.stop();
          resolve();
        }
        await wait(passMs);
      },
      { everyMs: 20, share: 10 },
    );
  });
  await done;
  return starts.slice(1).map((at, i) => at - starts[i]);
}

// Node may fire a timer up to a millisecond early; the gaps are lower bounds.
test('a quick pass runs every everyMs', async () => {
  for (const gap of await startsOf(0, 4)) expect(gap).toBeGreaterThanOrEqual(19);
});

test('a slow pass waits ten times its own duration after it ends', async () => {
  for (const gap of await startsOf(30, 3)) expect(gap).toBeGreaterThanOrEqual(30 + 10 * 30 - 2);
});

test('a failing pass is run again', async () => {
  let runs = 0;
  await new Promise<void>((resolve) => {
    const timer = paced(
      async () => {
        if (++runs === 3) {
          timer.stop();
          resolve();
        }
        throw new Error('database away');
      },
      { everyMs: 5, share: 10 },
    );
  });
  expect(runs).toBe(3);
});
