#!/usr/bin/env node
/**
 * Runs a compiled entry point (`dist/src/<name>.js`), building first only when the sources are
 * newer than it: operators' commands answer in a second instead of waiting for a full build.
 *   node scripts/run-built.js ops-cli [args…]
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const [name, ...args] = process.argv.slice(2);
const entry = path.join(root, 'dist', 'src', `${name}.js`);

function newestSource(dir) {
  let newest = 0;
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|js|json|css|wsdl)$/.test(item.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
const sources = Math.max(...['src', 'workflows', 'activities'].map((dir) => newestSource(path.join(root, dir))));
if (sources > built) {
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [entry, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
