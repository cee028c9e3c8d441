/**
 * `npm run fixtures:histories`: drives every path in paths.ts on the time-skipping server with
 * fake activities and writes each run's history to histories/<path>.json (proto JSON, as
 * `temporal workflow show --output json` writes it). Not part of `npm test`, which replays them
 * (replay.test.ts). When to run it: README, "Changing a workflow safely". `-t <path>` records
 * only that path; a history whose path is gone is deleted by hand (replay.test.ts names it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { statusQuery } from '../../src/temporal/messages';
import { workflowHarness, type WorkflowHarness } from '../workflows/harness';
import { historyToJson } from './history-json';
import { PATHS } from './paths';

const HISTORIES_DIR = path.join(__dirname, 'histories');

let h: WorkflowHarness;
beforeAll(async () => {
  h = await workflowHarness('replay');
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
});
afterAll(() => h?.stop());

/** What only says where it was recorded (pid@host, this checkout's file paths) is not kept. */
const LOCAL: Record<string, string> = { identity: 'recorder', stackTrace: '' };

function anonymous(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(anonymous);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key in LOCAL ? LOCAL[key] : anonymous(inner)]));
  }
  return value;
}

test.each(Object.entries(PATHS))('%s', async (name, { ends, drive }) => {
  const handle = await drive(h);
  // Recorded only once the run is where the path says: closed with that status, or waiting.
  if (ends === 'awaiting_payment') expect((await handle.query(statusQuery)).status).toBe(ends);
  else expect((await handle.result()).status).toBe(ends);
  const history = anonymous(historyToJson(await handle.fetchHistory()));
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(history, null, 1)}\n`);
});
