/**
 * docker-compose.yml (and the compose.local.yml override) as `docker compose` would run it, for the
 * static checks of test/compose/: YAML anchors and `<<` merges, the subset of compose-go's `$`
 * interpolation this project may use, override merging, and readers for the parts the tests check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');
export const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

export type Env = Record<string, string | undefined>;
export type Service = Record<string, any>;
export interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What the host must give for `docker compose` to interpolate the file at all. */
export const HOST_TOKENS = {
  ADMIN_TOKEN: 'an-admin-token',
  API_TOKEN: 'an-api-token-of-at-least-16',
  PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
};
export const LOCAL_OVERRIDE = 'compose.local.yml';

const INTERPOLATION = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))|\$/g;

/** Replaces `${VAR:-default}` & co. like `docker compose` does; throws on an invalid `$`. */
export function interpolate(text: string, env: Env, refs?: Set<string>): string {
  return text.replace(INTERPOLATION, (whole, dollar, braced, op, arg, bare) => {
    if (dollar) return '$';
    const name = braced ?? bare;
    if (!name) throw new Error(`invalid interpolation (lone "$", write "$$") in: ${text}`);
    refs?.add(name);
    const value = env[name];
    const set = value !== undefined;
    const nonEmpty = set && value !== '';
    switch (op) {
      case undefined:
        return value ?? '';
      case ':-':
        return nonEmpty ? value! : interpolate(arg, env, refs);
      case '-':
        return set ? value! : interpolate(arg, env, refs);
      case ':+':
        return nonEmpty ? interpolate(arg, env, refs) : '';
      case '+':
        return set ? interpolate(arg, env, refs) : '';
      case ':?':
      case '?':
        if (op === ':?' ? !nonEmpty : !set) throw new Error(`required variable ${name} is missing a value: ${arg}`);
        return value!;
      default:
        throw new Error(`unsupported interpolation ${whole}`);
    }
  });
}

function mapStrings(node: unknown, fn: (s: string) => string): unknown {
  if (typeof node === 'string') return fn(node);
  if (Array.isArray(node)) return node.map((item) => mapStrings(item, fn));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, mapStrings(value, fn)]));
  }
  return node;
}

/** Compose's merge of an override file: maps merge, `ports` add up, any other value is replaced. */
function merge(base: unknown, override: unknown, key = ''): unknown {
  if (Array.isArray(base) && Array.isArray(override)) return key === 'ports' ? [...base, ...override] : override;
  const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(base) || !isMap(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) merged[k] = k in base ? merge(base[k], v, k) : v;
  return merged;
}

/** A file as YAML sees it: anchors resolved, `<<` merged, nothing interpolated. */
export const parseYaml = (file: string) => parse(read(file), { merge: true }) as ComposeFile;
export const rawCompose = parseYaml('docker-compose.yml');
export const rawLocal = parseYaml(LOCAL_OVERRIDE);

/** The file as `docker compose [-f docker-compose.yml -f compose.local.yml]` would run it. */
export function loadCompose(env: Env, options: { local?: boolean; refs?: Set<string> } = {}): ComposeFile {
  const raw = options.local ? merge(rawCompose, rawLocal) : rawCompose;
  return mapStrings(raw, (s) => interpolate(s, env, options.refs)) as ComposeFile;
}

/** `environment` as a map, whether written as a map or as a KEY=VALUE list. */
export function envOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

export function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name: string) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, (spec as { condition: string }).condition]));
}

export function commandOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.trim().split(/\s+/);
  return [];
}

export interface PublishedPort {
  ip?: string;
  published?: string;
  target: string;
}

/** `[ip:][host:]container` port strings or long-syntax objects. */
export function portsOf(service: Service): PublishedPort[] {
  return (service.ports ?? []).map((port: unknown): PublishedPort => {
    if (typeof port === 'object' && port) {
      const p = port as { host_ip?: string; published?: string | number; target: string | number };
      return { ip: p.host_ip, published: p.published === undefined ? undefined : String(p.published), target: String(p.target) };
    }
    const parts = String(port).split('/')[0].split(':');
    const target = parts.pop()!;
    return { ip: parts.length > 1 ? parts[0] : undefined, published: parts.pop(), target };
  });
}

export function imageTag(image: string): { repo: string; tag?: string } {
  const at = image.lastIndexOf(':');
  if (at < 0 || image.slice(at).includes('/')) return { repo: image };
  return { repo: image.slice(0, at), tag: image.slice(at + 1) };
}

/** `host` and `port` of a `host:port` or URL value. */
export function hostPort(value: string): { host: string; port?: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const url = new URL(value);
    return { host: url.hostname, port: url.port || undefined };
  }
  const [host, port] = value.split(':');
  return { host, port };
}

/** `node dist/src/api.js` must be what tsc builds from `src/api.ts`. */
export function expectBuiltEntryPoint(command: string[], what: string): void {
  expect(command[0]).toBe('node');
  const script = command[1];
  expect(script).toMatch(/\.js$/);
  const tsconfig = JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string; rootDir: string } };
  const outDir = path.normalize(tsconfig.compilerOptions.outDir);
  const relative = path.relative(outDir, path.normalize(script));
  if (relative.startsWith('..')) throw new Error(`${what}: ${script} is not under the tsc outDir ${outDir}`);
  const source = path.join(tsconfig.compilerOptions.rootDir, relative.replace(/\.js$/, '.ts'));
  if (!fs.existsSync(path.join(ROOT, source))) throw new Error(`${what}: ${script} would be built from ${source}, which does not exist`);
}

/** Active (`NAME=value`) and commented-out (`# NAME=`, value undefined) variables of .env.example. */
export function envExampleVars(): Map<string, string | undefined> {
  const vars = new Map<string, string | undefined>();
  for (const line of read('.env.example').split('\n')) {
    const active = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    const commented = /^#\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (active) vars.set(active[1], active[2]);
    else if (commented && !vars.has(commented[1])) vars.set(commented[1], undefined);
  }
  return vars;
}
