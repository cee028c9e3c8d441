/**
 * Two changes to FerretDB v1, applied to a copy of its module when we build it, never kept in
 * this repository: its SQLite backend narrows a query to one row only when the filter is exactly
 * `{_id: …}`, so every guarded write (`{_id, status: {$in: …}}`, `{_id, available: {$gte: n}}`)
 * decoded the whole collection, and each checkout got slower as orders piled up. With the
 * change, any filter that names a plain `_id` reads that one row. It is safe because FerretDB's
 * handlers apply the whole filter again to whatever the backend returns (find, count, update,
 * delete, findAndModify all do), so the row set may only shrink to the one that can match.
 * Second: that narrowing is written `_ferretdb_sjson->'$._id'` while the _id index is on
 * `_ferretdb_sjson->"_id"`; SQLite matches index expressions by their text, so it scanned the
 * whole table anyway (findOne by _id: 1 ms with 10 documents, 15 ms with 5,000). `->'_id'` is the
 * same value and uses the index (EXPLAIN QUERY PLAN: SEARCH … USING INDEX).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FERRETDB_PATCHES = [
  {
    file: 'internal/backends/sqlite/collection.go',
    find: '\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")',
    replace: '\tif params.Filter.Has("_id") {\n\t\tv, _ := params.Filter.Get("_id")',
  },
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: `IDColumn = DefaultColumn + "->'_id'"`,
  },
];

/** Part of the build's cache key: a changed patch rebuilds the binary. */
export const overlayFingerprint = () => JSON.stringify(FERRETDB_PATCHES);

/**
 * Copies FerretDB's module (a few MB, outside this repository) to `outDir`, patches it there
 * and returns a go.mod that builds against the copy (`go build -modfile`). Go refuses an
 * overlay of files in its module cache, hence the copy. Fails loudly when FerretDB's source no
 * longer has the text we patch (a version bump).
 */
export async function writePatchedFerretDb(moduleDir: string, outDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.env.GO ?? 'go', ['mod', 'download', '-json', 'github.com/FerretDB/FerretDB'], { cwd: moduleDir, env });
  const source = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!source) throw new Error('go mod download did not say where FerretDB is');
  const copy = path.join(outDir, 'FerretDB');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.cpSync(source, copy, { recursive: true });
  for (const patch of FERRETDB_PATCHES) {
    const file = path.join(copy, patch.file);
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(patch.find)) throw new Error(`FerretDB's ${patch.file} no longer has the code this project patches; update src/stack/ferretdb-patch.ts`);
    fs.rmSync(file); // read-only, as in the module cache
    // Query and Explain decide alike.
    fs.writeFileSync(file, text.replaceAll(patch.find, patch.replace));
  }
  const modFile = path.join(outDir, 'go.mod');
  fs.writeFileSync(modFile, `${fs.readFileSync(path.join(moduleDir, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${copy}\n`);
  fs.copyFileSync(path.join(moduleDir, 'go.sum'), path.join(outDir, 'go.sum'));
  return modFile;
}
