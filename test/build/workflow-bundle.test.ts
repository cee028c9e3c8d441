/**
 * The prebuilt workflow bundle (`npm run build`) is used by a worker only while it was made from
 * exactly the compiled code beside it; any change there means bundling again at start. Real files
 * in a temp tree (its node_modules links to the project's, so webpack finds the SDK).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleInputsHash, freshPrebuiltBundle, writeWorkflowBundle } from '../../src/temporal/workflow-bundle';

const ROOT = path.join(__dirname, '../..');
let tree: string;
let dist: string;

const workflow = (greeting: string) => `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.greet = async function greet() { return ${JSON.stringify(greeting)}; };\n`;

beforeEach(() => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-bundle-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
  dist = path.join(tree, 'dist');
  fs.mkdirSync(path.join(dist, 'workflows'), { recursive: true });
  fs.mkdirSync(path.join(dist, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'workflows', 'index.js'), workflow('hello from the build'));
  fs.writeFileSync(path.join(dist, 'src', 'messages.js'), 'exports.x = 1;\n');
});

afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

test('a bundle made by the build is used while the compiled code is unchanged', async () => {
  const file = await writeWorkflowBundle(dist);
  expect(file).toBe(path.join(dist, 'workflow-bundle.js'));
  expect(fs.readFileSync(file, 'utf8')).toContain('hello from the build');
  expect(freshPrebuiltBundle(dist)).toEqual({ codePath: file });
});

test('a changed workflow makes the bundle stale (the worker then bundles from source); bundling again makes it fresh', async () => {
  await writeWorkflowBundle(dist);
  fs.writeFileSync(path.join(dist, 'workflows', 'index.js'), workflow('hello from an edit'));
  expect(freshPrebuiltBundle(dist)).toBeUndefined();
  const file = await writeWorkflowBundle(dist);
  expect(freshPrebuiltBundle(dist)).toEqual({ codePath: file });
  expect(fs.readFileSync(file, 'utf8')).toContain('hello from an edit');
  expect(fs.readFileSync(file, 'utf8')).not.toContain('hello from the build');
});

test('an added, changed or removed compiled module anywhere it may import from changes the hash', async () => {
  await writeWorkflowBundle(dist);
  const built = bundleInputsHash(dist);
  fs.writeFileSync(path.join(dist, 'src', 'new.js'), 'exports.y = 2;\n');
  expect(bundleInputsHash(dist)).not.toBe(built);
  expect(freshPrebuiltBundle(dist)).toBeUndefined();
  fs.rmSync(path.join(dist, 'src', 'new.js'));
  expect(freshPrebuiltBundle(dist)).toEqual({ codePath: path.join(dist, 'workflow-bundle.js') });
  fs.writeFileSync(path.join(dist, 'src', 'messages.js'), 'exports.x = 2;\n');
  expect(freshPrebuiltBundle(dist)).toBeUndefined();
  fs.rmSync(path.join(dist, 'src', 'messages.js'));
  expect(freshPrebuiltBundle(dist)).toBeUndefined();
});

test('no bundle, or a bundle without its manifest, is never used', async () => {
  expect(freshPrebuiltBundle(dist)).toBeUndefined();
  await writeWorkflowBundle(dist);
  fs.rmSync(path.join(dist, 'workflow-bundle.json'));
  expect(freshPrebuiltBundle(dist)).toBeUndefined();
  await writeWorkflowBundle(dist);
  fs.rmSync(path.join(dist, 'workflow-bundle.js'));
  expect(freshPrebuiltBundle(dist)).toBeUndefined();
});
