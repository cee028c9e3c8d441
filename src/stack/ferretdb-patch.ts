/**
 * Changes to FerretDB v1, applied to a copy of its module when we build it, never kept in this
 * repository:
 * - its SQLite backend asks SQLite for a subset of rows only when the filter is exactly
 *   `{_id: …}`; every other query decoded the whole collection, so guarded writes
 *   (`{_id, status: {$in: …}}`) and the service's timer scans (the inbox's due events, expired
 *   konbini slips, orders by status) slowed with every order kept. `prepareWhereClause`
 *   (tools/ferretdb/_overlay/…/pushdown.go, added to the copy) asks for the `_id` whenever the
 *   filter names one, and otherwise for the top-level fields compared to plain strings, written as
 *   FerretDB's indexes are, so an index such as the inbox's `{state: 1, receivedAt: 1}` answers.
 *   It is safe because FerretDB's handlers apply the whole filter again to whatever the backend
 *   returns (find, count, aggregate, update, delete, findAndModify all do), so the rows may only
 *   shrink to a set that still holds every match (arrays are kept: MongoDB matches a string
 *   against an array holding it).
 * - it asks for `_id` as `_ferretdb_sjson->'$._id'`, but indexes it as
 *   `_ferretdb_sjson->"_id"`: SQLite matches an index by expression, so the lookup (and every
 *   `UPDATE … WHERE` / `DELETE … WHERE` by `_id`) scanned the table, parsing each row's JSON, and
 *   each checkout got slower as orders piled up. `->'_id'` means the same path (SQLite reads a
 *   bare label X as '$.X') and is the index's own expression, so SQLite searches the index
 *   (EXPLAIN QUERY PLAN: "SCAN" before, "SEARCH … USING INDEX …__id_" after).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** FerretDB's own `_id`-only WHERE clause, as Query has it and as Explain has it (which also notes the pushdown). */
const idOnlyWhere = (explain: boolean) => `
\t// that logic should exist in one place
\t// TODO https://github.com/FerretDB/FerretDB/issues/3235
\tif params.Filter.Len() == 1 {
\t\tv, _ := params.Filter.Get("_id")
\t\tswitch v.(type) {
\t\tcase string, types.ObjectID:
${explain ? '\t\t\tfilterPushdown = true\n' : ''}\t\t\twhereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
\t\t}
\t}
`;

export const FERRETDB_PATCHES = [
  {
    file: 'internal/backends/sqlite/collection.go',
    find: idOnlyWhere(false),
    replace: '\n\twhereClause, args = prepareWhereClause(params.Filter)\n',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    find: idOnlyWhere(true),
    replace: '\n\twhereClause, args = prepareWhereClause(params.Filter)\n\tfilterPushdown = whereClause != ""\n',
  },
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    find: `IDColumn = DefaultColumn + "->'$._id'"`,
    replace: `IDColumn = DefaultColumn + "->'_id'"`,
  },
];

/** Files added to FerretDB's tree, at the same paths (a folder Go's `./...` skips: it starts with _). */
const overlayDir = (moduleDir: string) => path.join(moduleDir, '_overlay');

function overlayFiles(dir: string, under = ''): string[] {
  return fs.readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? overlayFiles(dir, path.join(under, e.name)) : [path.join(under, e.name)]);
}

/** Part of the build's cache key: a changed patch or overlay file rebuilds the binary. */
export const overlayFingerprint = (moduleDir: string) => {
  const files = overlayFiles(overlayDir(moduleDir)).sort().map((f) => [f, fs.readFileSync(path.join(overlayDir(moduleDir), f), 'utf8')]);
  return JSON.stringify({ patches: FERRETDB_PATCHES, files });
};

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
  const writable = (file: string) => fs.chmodSync(path.dirname(file), 0o755); // read-only, as in the module cache
  for (const patch of FERRETDB_PATCHES) {
    const file = path.join(copy, patch.file);
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(patch.find)) throw new Error(`FerretDB's ${patch.file} no longer has the code this project patches; update src/stack/ferretdb-patch.ts`);
    writable(file);
    fs.rmSync(file);
    fs.writeFileSync(file, text.replace(patch.find, patch.replace));
  }
  for (const name of overlayFiles(overlayDir(moduleDir))) {
    const file = path.join(copy, name);
    if (fs.existsSync(file)) throw new Error(`FerretDB now has its own ${name}; rename the file in tools/ferretdb/_overlay`);
    writable(file);
    fs.copyFileSync(path.join(overlayDir(moduleDir), name), file);
  }
  const modFile = path.join(outDir, 'go.mod');
  fs.writeFileSync(modFile, `${fs.readFileSync(path.join(moduleDir, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${copy}\n`);
  fs.copyFileSync(path.join(moduleDir, 'go.sum'), path.join(outDir, 'go.sum'));
  return modFile;
}
