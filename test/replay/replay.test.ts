/**
 * Determinism: every recorded checkout path (histories/, see record-histories.ts) replays
 * against the workflow code as it is now. A change that would break a checkout in flight (a
 * konbini slip waits for days) fails here, before a deployed worker meets such a history.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowBundle } from '../support/bundle';
import { historyFromJson } from './history-json';
import { PATHS } from './paths';

const HISTORIES_DIR = path.join(__dirname, 'histories');

interface JsonEvent {
  eventType: string;
  workflowExecutionCompletedEventAttributes?: { result: { payloads: Array<{ data: string }> } };
}

const fixtures = () => fs.readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json')).map((file) => path.basename(file, '.json'));
const json = (name: string) => JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, `${name}.json`), 'utf8')) as { events: JsonEvent[] };
const load = (name: string): History => historyFromJson(json(name));

async function replay(histories: Array<{ workflowId: string; history: History }>): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle(), replayName: 'determinism' }, histories)) results.push(result);
  return results;
}

test('every checkout path has a recorded history, and no history lacks its path', () => {
  expect(fixtures().sort()).toEqual(Object.keys(PATHS).sort());
});

test.each(Object.entries(PATHS))('the history of %s ends where the path does', (name, { ends }) => {
  const last = json(name).events.at(-1)!;
  if (ends === 'awaiting_payment') {
    expect(last.eventType).toBe('EVENT_TYPE_WORKFLOW_TASK_COMPLETED'); // recorded while it waits
    return;
  }
  expect(last.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  const [result] = last.workflowExecutionCompletedEventAttributes!.result.payloads;
  expect(JSON.parse(Buffer.from(result.data, 'base64').toString('utf8'))).toMatchObject({ status: ends });
});

test('every recorded history replays against the current workflow code', async () => {
  const names = fixtures();
  const results = await replay(names.map((name) => ({ workflowId: name, history: load(name) })));
  expect(results.map((r) => r.workflowId).sort()).toEqual([...names].sort());
  expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error!.message}`)).toEqual([]);
});

test('the replayer catches a history the code would not write (two activities swapped)', async () => {
  const history = load('card-paid');
  const scheduled = (history.events ?? []).flatMap((event) => (event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes] : []));
  expect(scheduled.slice(0, 2).map((a) => a.activityType?.name)).toEqual(['holdSeats', 'recordOrder']);
  [scheduled[0].activityType, scheduled[1].activityType] = [scheduled[1].activityType, scheduled[0].activityType];
  const [result] = await replay([{ workflowId: 'card-paid-swapped', history }]);
  expect(result.error).toBeInstanceOf(DeterminismViolationError);
});
