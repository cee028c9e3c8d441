/** A managed server's output can be kept in a file, with how it ended: the evidence a fault test leaves. */
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnManaged } from '../../src/stack/child';

test('outputFile receives every line and the exit, across two runs of the same server', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'child-test-')), 'server.log');
  for (const code of [3, 0]) {
    const server = spawnManaged('fake server', '/bin/sh', ['-c', `echo ready; echo "broke ${code}" >&2; exit ${code}`], { outputFile: file });
    const closed = once(server.child, 'close');
    await expect(server.exited).resolves.toBe(code);
    await closed;
  }
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => line.replace(/^\S+ /, ''));
  expect(lines.filter((line) => !line.startsWith('fake server started'))).toEqual(['ready', 'broke 3', 'fake server exited (3)', 'ready', 'broke 0', 'fake server exited (0)']);
  expect(lines.filter((line) => line.startsWith('fake server started'))).toHaveLength(2);
});
