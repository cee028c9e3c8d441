/**
 * Where our own Resurs WSDL/XSD files are at run time. They live in `src/providers/resurs/wsdl/`
 * (not TypeScript, so `tsc` does not copy them to `dist/`). Looked up, in order:
 * 1. `<this module's folder>/wsdl` — running from `src/` (ts-jest, ts-node), or a build that
 *    copied the folder next to the compiled module;
 * 2. `<package root>/src/providers/resurs/wsdl` — running `dist/src/...` from the repository
 *    (`npm start`, `npm run worker`): the package root is the first folder above that holds
 *    package.json.
 * A Docker image that ships only `dist/` must copy the folder too (see the report / README).
 */
import fs from 'node:fs';
import path from 'node:path';

export const RESURS_SERVICES = {
  simplified: 'SimplifiedShopFlowService',
  afterShop: 'AfterShopFlowService',
  configuration: 'ConfigurationService',
} as const;

export type ResursServiceKey = keyof typeof RESURS_SERVICES;
export type ResursServiceName = (typeof RESURS_SERVICES)[ResursServiceKey];

const SOURCE_PATH = path.join('src', 'providers', 'resurs', 'wsdl');
const MARKER = 'SimplifiedShopFlowService.wsdl';

let cached: string | undefined;

/** The folder holding the WSDL and XSD files; throws with the places it looked. */
export function resursWsdlDir(): string {
  if (cached) return cached;
  const candidates = [path.join(__dirname, 'wsdl')];
  for (let dir = __dirname; ; ) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      candidates.push(path.join(dir, SOURCE_PATH));
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, MARKER)));
  if (!found) throw new Error(`Resurs WSDL files not found (looked in ${candidates.join(', ')})`);
  cached = found;
  return found;
}

/** Absolute path of a service's WSDL, e.g. `.../wsdl/AfterShopFlowService.wsdl`. */
export function wsdlPath(service: ResursServiceName): string {
  return path.join(resursWsdlDir(), `${service}.wsdl`);
}
