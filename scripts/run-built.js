#!/usr/bin/env node
/**
 * Runs a compiled entry point (`dist/src/<name>.js`), building first only when the sources
 * differ from the last build's (scripts/build.js --if-stale): operators' commands answer in a
 * second instead of waiting for a full build.
 *   node scripts/run-built.js ops-cli [args…]
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const [name, ...args] = process.argv.slice(2);
const entry = path.join(root, 'dist', 'src', `${name}.js`);

const build = spawnSync(process.execPath, [path.join(__dirname, 'build.js'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(process.execPath, [entry, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
