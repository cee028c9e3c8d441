/**
 * No container engine runs in CI, so the production-shaped stack is checked statically:
 * docker-compose.yml against the official Compose Specification JSON schema (compose-spec's
 * `schema/compose-spec.json`, draft-07, shipped as `schemas/compose.schema.json` by the `dclint`
 * devDependency, 3.1.0 when this was written: update dclint to follow the spec), plus the invariants
 * of this project that a schema cannot see (hostnames, env vars, commands, search attributes).
 * Needs none of the servers that jest's globalSetup starts.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { KOMOJU_SANDBOX_PATH, loadConfig } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

// ---------------------------------------------------------------------------------------------
// The contract (design/contract.md). Hard-coded so the test runs without shared/; cross-checked
// against the document itself when it sits beside the repository (as in CI and development).
// ---------------------------------------------------------------------------------------------
const CONTRACT_ENV_VARS = [
  'PORT', 'PUBLIC_URL', 'STOREFRONT_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE',
  'MONGODB_URI', 'MONGODB_DB', 'SMTP_URL', 'MAIL_FROM', 'KOMOJU_API_URL', 'KOMOJU_SECRET_KEY',
  'KOMOJU_WEBHOOK_SECRET', 'RESURS_API_URL', 'RESURS_USERNAME', 'RESURS_PASSWORD', 'RESURS_CALLBACK_SALT',
  'CHECKOUT_TIMEOUT', 'KONBINI_GRACE', 'ADMIN_TOKEN', 'DATA_DIR',
];
const CONTRACT_SEARCH_ATTRIBUTES: Record<string, string> = {
  CheckoutStatus: 'Keyword',
  PaymentProvider: 'Keyword',
  PaymentMethod: 'Keyword',
  EventId: 'Keyword',
  PaymentDeadline: 'Datetime',
};
/** What the api and the worker cannot run in the stack without (the rest have defaults). */
const APP_REQUIRED_ENV = ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_URL', 'PUBLIC_URL', 'KOMOJU_API_URL'];
const APP_SERVICES = ['api', 'worker'] as const;

// ---------------------------------------------------------------------------------------------
// Compose file loading and interpolation (the subset of compose-go's rules this file may use).
// ---------------------------------------------------------------------------------------------
type Env = Record<string, string | undefined>;
type Service = Record<string, any>;
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

const INTERPOLATION = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))|\$/g;

/** Replaces `${VAR:-default}` & co. like `docker compose` does; throws on an invalid `$`. */
function interpolate(text: string, env: Env, refs?: Set<string>): string {
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
        if (op === ':?' ? !nonEmpty : !set) throw new Error(`required variable ${name} is missing: ${arg}`);
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

const RAW_COMPOSE = read('docker-compose.yml');
/** The file as YAML sees it: anchors resolved, `<<` merged, nothing interpolated. */
const rawCompose = parse(RAW_COMPOSE, { merge: true }) as ComposeFile;

/** The file as `docker compose` would run it with the given host environment. */
function loadCompose(env: Env = {}, refs?: Set<string>): ComposeFile {
  return mapStrings(rawCompose, (s) => interpolate(s, env, refs)) as ComposeFile;
}

const compose = loadCompose();
const services = compose.services;

/** `environment` as a map, whether written as a map or as a KEY=VALUE list. */
function envOf(service: Service): Record<string, string> {
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

function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name: string) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, (spec as { condition: string }).condition]));
}

function commandOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.trim().split(/\s+/);
  return [];
}

/** "host:container" port strings or long-syntax objects, as [host, container] pairs. */
function portsOf(service: Service): Array<[string | undefined, string]> {
  return (service.ports ?? []).map((port: unknown) => {
    if (typeof port === 'object' && port) {
      const p = port as { published?: string | number; target: string | number };
      return [p.published === undefined ? undefined : String(p.published), String(p.target)];
    }
    const parts = String(port).split('/')[0].split(':');
    const container = parts.pop()!;
    return [parts.length ? parts.pop() : undefined, container];
  });
}

function imageTag(image: string): { repo: string; tag?: string } {
  const at = image.lastIndexOf(':');
  if (at < 0 || image.slice(at).includes('/')) return { repo: image };
  return { repo: image.slice(0, at), tag: image.slice(at + 1) };
}

/** `host` and `port` of a `host:port` or URL value. */
function hostPort(value: string): { host: string; port?: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const url = new URL(value);
    return { host: url.hostname, port: url.port || undefined };
  }
  const [host, port] = value.split(':');
  return { host, port };
}

/** `node dist/src/api.js` must be what tsc builds from `src/api.ts`. */
function expectBuiltEntryPoint(command: string[], what: string): void {
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

// ---------------------------------------------------------------------------------------------
// Dockerfile parsing: instructions per stage, continuation lines joined, comments dropped.
// ---------------------------------------------------------------------------------------------
interface Instruction {
  op: string;
  args: string;
}
function dockerfileStages(text: string): Instruction[][] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { op: op.toUpperCase(), args };
    if (instruction.op === 'FROM') stages.push([]);
    if (instruction.op === 'ARG' && stages.length === 0) continue;
    stages[stages.length - 1].push(instruction);
  }
  return stages;
}
const execForm = (args: string): string[] => (args.startsWith('[') ? JSON.parse(args) : ['/bin/sh', '-c', args]);

// =============================================================================================
describe('docker-compose.yml', () => {
  describe('Compose Specification schema', () => {
    const schemaFile = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
    // The file says `"$schema": "https://json-schema.org/draft-07/schema"`, an alias of the
    // draft-07 meta-schema that Ajv knows as `http://json-schema.org/draft-07/schema#`.
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const errorsOf = (doc: unknown) =>
      validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);

    it('is the official compose-spec schema', () => {
      expect(schema.title).toBe('Compose Specification');
      expect(schema.$id).toBe('compose_spec.json');
      expect(Object.keys(schema.definitions)).toEqual(expect.arrayContaining(['service', 'healthcheck', 'deployment']));
    });

    it('validates the file as written and as interpolated', () => {
      expect(errorsOf(rawCompose)).toEqual([]);
      expect(errorsOf(compose)).toEqual([]);
      expect(errorsOf(loadCompose({ KOMOJU_API_URL: 'https://komoju.com', ADMIN_TOKEN: 'an-admin-token' }))).toEqual([]);
    });

    it('rejects what compose would reject (the validator is not vacuous)', () => {
      const broken = structuredClone(compose);
      broken.services.api.restart_policy = 'always';
      expect(errorsOf(broken).join('\n')).toMatch(/additional/i);
      const badDepends = structuredClone(compose);
      badDepends.services.worker.depends_on = { mongo: { condition: 'service_ready' } };
      expect(errorsOf(badDepends)).not.toEqual([]);
    });
  });

  it('uses only valid `$` interpolations, each documented in .env.example', () => {
    const refs = new Set<string>();
    expect(() => loadCompose({}, refs)).not.toThrow();
    const documented = envExampleVars();
    expect([...refs].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('has the services of the production-shaped stack', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'mongo', 'mailpit', 'api', 'worker']),
    );
    expect(searchAttributeJob()).toBeDefined();
  });

  it('pins every image (no :latest, no untagged image)', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.image) {
        expect(service.build).toBeDefined();
        continue;
      }
      const { tag } = imageTag(service.image);
      if (tag === undefined || tag === 'latest') throw new Error(`service ${name}: image ${service.image} is not pinned`);
    }
    expect(services.postgresql.image).toBe('postgres:16');
    expect(services.mongo.image).toBe('mongo:7');
    expect(imageTag(services['temporal-ui'].image).repo).toBe('temporalio/ui');
    expect(imageTag(services.mailpit.image).repo).toBe('axllent/mailpit');
  });

  it('runs Temporal 1.2x on PostgreSQL, and the admin tools of the same server version', () => {
    const temporal = services.temporal;
    const { repo, tag } = imageTag(temporal.image);
    expect(repo).toBe('temporalio/auto-setup');
    expect(tag).toMatch(/^1\.2\d\.\d+$/);
    const env = envOf(temporal);
    expect(env.DB).toBe('postgres12');
    expect(hostPort(`${env.POSTGRES_SEEDS}:${env.DB_PORT}`)).toEqual({ host: 'postgresql', port: '5432' });
    expect(env.POSTGRES_PWD).toBe(envOf(services.postgresql).POSTGRES_PASSWORD);
    expect(env.POSTGRES_USER).toBe(envOf(services.postgresql).POSTGRES_USER);
    expect(dependsOn(temporal).postgresql).toBe('service_healthy');
    const job = searchAttributeJob()!;
    expect(imageTag(job.service.image).tag!.split('-')[0]).toBe(tag);
  });

  it('keeps the databases on named volumes, with health checks', () => {
    for (const [name, dataDir] of [['postgresql', '/var/lib/postgresql/data'], ['mongo', '/data/db']] as const) {
      const service = services[name];
      const mount = (service.volumes ?? []).map(String).find((v: string) => v.endsWith(`:${dataDir}`));
      if (!mount) throw new Error(`${name} keeps ${dataDir} on no volume`);
      const volume = mount.split(':')[0];
      expect(Object.keys(compose.volumes ?? {})).toContain(volume);
      expect(service.healthcheck?.test).toBeDefined();
    }
  });

  it('declares every named volume a service mounts', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const long = typeof volume === 'object' && volume !== null;
        const source: string | undefined = long ? volume.source : String(volume).includes(':') ? String(volume).split(':')[0] : undefined;
        if (long && volume.type && volume.type !== 'volume') continue;
        if (!source || /^[./~$]/.test(source)) continue; // anonymous volume or bind mount
        if (!(source in (compose.volumes ?? {}))) throw new Error(`service ${name} mounts undeclared volume ${source}`);
      }
    }
  });

  it('points every depends_on at an existing service, without cycles', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const target of Object.keys(dependsOn(service))) {
        if (!(target in services)) throw new Error(`service ${name} depends on unknown service ${target}`);
        expect(target).not.toBe(name);
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]) => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`depends_on cycle: ${[...trail, name].join(' -> ')}`);
      visiting.add(name);
      for (const target of Object.keys(dependsOn(services[name]))) visit(target, [...trail, name]);
      visiting.delete(name);
      done.add(name);
    };
    Object.keys(services).forEach((name) => visit(name, []));
  });

  it('uses health conditions only on services that have a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, condition] of Object.entries(dependsOn(service))) {
        if (condition === 'service_healthy' && !services[target].healthcheck) {
          throw new Error(`service ${name} waits for ${target} to be healthy, but ${target} has no healthcheck`);
        }
        if (condition === 'service_completed_successfully' && services[target].restart && services[target].restart !== 'no') {
          throw new Error(`service ${name} waits for one-shot ${target} to complete, but ${target} restarts`);
        }
      }
    }
  });

  describe('search attributes', () => {
    it('registers exactly the five of contract.md, with their types', () => {
      expect(searchAttributeJob()!.attributes).toEqual(CONTRACT_SEARCH_ATTRIBUTES);
    });

    it('match what the workflows define', () => {
      expect({ ...SEARCH_ATTRIBUTES }).toEqual(CONTRACT_SEARCH_ATTRIBUTES);
    });

    it('are registered on the namespace the apps use, by a one-shot that retries and that the apps wait for', () => {
      const job = searchAttributeJob()!;
      expect(job.service.restart ?? 'no').toBe('no');
      expect(hostPort(envOf(job.service).TEMPORAL_ADDRESS ?? job.script.match(/--address\s+(\S+)/)?.[1] ?? '')).toEqual({
        host: 'temporal',
        port: '7233',
      });
      expect(job.script).toMatch(/until |while /);
      const namespace = envOf(job.service).TEMPORAL_NAMESPACE;
      for (const app of APP_SERVICES) {
        expect(dependsOn(services[app])[job.name]).toBe('service_completed_successfully');
        expect(envOf(services[app]).TEMPORAL_NAMESPACE).toBe(namespace);
      }
      expect(envOf(services.temporal).DEFAULT_NAMESPACE).toBe(namespace);
    });
  });

  describe('api and worker', () => {
    it.each(APP_SERVICES)('%s gets every environment variable it needs', (name) => {
      const env = envOf(services[name]);
      expect(Object.keys(env)).toEqual(expect.arrayContaining(APP_REQUIRED_ENV));
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.MONGODB_URI).toBe('mongodb://mongo:27017');
      expect(env.SMTP_URL).toBe('smtp://mailpit:1025');
      expect(env.PUBLIC_URL).toBe('http://localhost:3000');
      expect(env.KOMOJU_API_URL).toBe(`http://api:3000${KOMOJU_SANDBOX_PATH}`);
      for (const variable of Object.keys(env)) expect(CONTRACT_ENV_VARS.concat('LOG_LEVEL')).toContain(variable);
    });

    it.each(APP_SERVICES)('%s reaches only services of the stack, and waits for them', (name) => {
      const env = envOf(services[name]);
      // The ports the stack's images listen on: a typo in a URL would only show at run time.
      const listening: Record<string, string> = { temporal: '7233', mongo: '27017', mailpit: '1025', api: env.PORT ?? '3000' };
      for (const variable of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_URL', 'KOMOJU_API_URL']) {
        const { host, port } = hostPort(env[variable]);
        if (!(host in services)) throw new Error(`${name}: ${variable}=${env[variable]} names no service of the stack`);
        expect(`${host}:${port}`).toBe(`${host}:${listening[host]}`);
        if (host === name) continue;
        // Temporal is waited for through the one-shot that registers the search attributes.
        expect(Object.keys(dependsOn(services[name]))).toContain(host === 'temporal' ? searchAttributeJob()!.name : host);
      }
    });

    it.each(APP_SERVICES)('%s passes the app\'s own configuration check, sandbox served by the api', (name) => {
      const config = loadConfig(envOf(services[name]));
      expect(config.temporal.address).toBe('temporal:7233');
      expect(config.mongo.uri).toBe('mongodb://mongo:27017');
      expect(config.smtp.url).toBe('smtp://mailpit:1025');
      expect(config.publicUrl).toBe('http://localhost:3000');
      expect(config.komoju.sandbox).toBe(true);
      expect(config.adminToken).toBeUndefined();
    });

    it.each(APP_SERVICES)('%s uses real KOMOJU and the host secrets when the host sets them', (name) => {
      const hostEnv = { KOMOJU_API_URL: 'https://komoju.com', KOMOJU_SECRET_KEY: 'sk_live_x', KOMOJU_WEBHOOK_SECRET: 'whsec_x' };
      const config = loadConfig(envOf(loadCompose(hostEnv).services[name]));
      expect(config.komoju).toEqual({ apiUrl: 'https://komoju.com', secretKey: 'sk_live_x', webhookSecret: 'whsec_x', sandbox: false });
    });

    it('api and worker run the same image built from the repository Dockerfile', () => {
      for (const name of APP_SERVICES) {
        const build = services[name].build;
        const context = typeof build === 'string' ? build : build?.context;
        const dockerfile = (typeof build === 'object' && build?.dockerfile) || 'Dockerfile';
        expect(path.resolve(ROOT, context)).toBe(ROOT);
        expect(fs.existsSync(path.join(ROOT, dockerfile))).toBe(true);
      }
      expect(services.api.image).toBe(services.worker.image);
    });

    it.each([
      ['api', 'src/api.ts'],
      ['worker', 'src/worker.ts'],
    ])('%s runs the entry point tsc builds from %s, as its npm script does', (name, source) => {
      const command = commandOf(services[name].command);
      expect(command).toEqual(['node', `dist/${source.replace(/\.ts$/, '.js')}`]);
      expectBuiltEntryPoint(command, `service ${name}`);
      const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
      expect(pkg.scripts[name]).toBe(command.join(' '));
      expect(services[name].entrypoint).toBeUndefined();
    });

    it('worker is scalable: no container_name, no host ports', () => {
      expect(services.worker.container_name).toBeUndefined();
      expect(services.worker.ports).toBeUndefined();
      expect(services.worker.deploy?.replicas ?? 1).toBeGreaterThanOrEqual(1);
    });

    it('api publishes port 3000 and is health-checked on /healthz', () => {
      expect(portsOf(services.api)).toContainEqual(['3000', '3000']);
      const test = commandOf(services.api.healthcheck?.test).join(' ');
      expect(test).toMatch(/(127\.0\.0\.1|localhost):3000\/healthz/);
    });

    it('publishes the Temporal UI on 8080 and Mailpit on 8025 (SMTP 1025)', () => {
      expect(portsOf(services['temporal-ui'])).toContainEqual(['8080', '8080']);
      expect(envOf(services['temporal-ui']).TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(portsOf(services.mailpit)).toContainEqual(['8025', '8025']);
      expect(portsOf(services.mailpit).map(([, container]) => container)).toContain('1025');
    });

    it('publishes no host port twice', () => {
      const published = Object.values(services).flatMap((s) => portsOf(s).map(([host]) => host).filter(Boolean));
      expect(new Set(published).size).toBe(published.length);
    });
  });
});

function searchAttributeJob(): { name: string; service: Service; script: string; attributes: Record<string, string> } | undefined {
  const entry = Object.entries(services).find(([, s]) => typeof s.image === 'string' && s.image.startsWith('temporalio/admin-tools'));
  if (!entry) return undefined;
  const [name, service] = entry;
  const script = [...commandOf(service.entrypoint), ...(Array.isArray(service.command) ? service.command : [service.command ?? ''])].join('\n');
  const attributes: Record<string, string> = {};
  for (const line of script.split('\n')) {
    if (!/temporal operator search-attribute create\b/.test(line)) continue;
    const attr = line.match(/--name[= ]"?(\w+)"?/)?.[1];
    const type = line.match(/--type[= ]"?(\w+)"?/)?.[1];
    if (!attr || !type) throw new Error(`cannot read name and type from: ${line}`);
    attributes[attr] = type;
  }
  return { name, service, script, attributes };
}

function envExampleVars(): Map<string, string | undefined> {
  const vars = new Map<string, string | undefined>();
  for (const line of read('.env.example').split('\n')) {
    const active = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    const commented = /^#\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (active) vars.set(active[1], active[2]);
    else if (commented && !vars.has(commented[1])) vars.set(commented[1], undefined);
  }
  return vars;
}

// =============================================================================================
describe('.env.example', () => {
  const vars = envExampleVars();
  const lines = read('.env.example').split('\n');

  it('lists every variable of the contract', () => {
    expect(CONTRACT_ENV_VARS.filter((name) => !vars.has(name))).toEqual([]);
  });

  it('gives each variable a one-line comment right above it', () => {
    const isVariable = (line: string) => /^#?\s*[A-Z][A-Z0-9_]*=/.test(line);
    lines.forEach((line, i) => {
      if (!isVariable(line)) return;
      const above = lines[i - 1] ?? '';
      if (!/^#\s*\S/.test(above) || isVariable(above)) throw new Error(`.env.example line ${i + 1} (${line}) has no comment above it`);
    });
  });

  it('holds values the app accepts, equal to its defaults', () => {
    const active = Object.fromEntries([...vars].filter(([, v]) => v !== undefined)) as Record<string, string>;
    const config = loadConfig(active);
    const defaults = loadConfig({});
    expect({ ...config, dataDir: defaults.dataDir }).toEqual(defaults);
  });
});

// =============================================================================================
describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const final = stages[stages.length - 1];
  const all = stages.flat();
  const runs = all.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');

  it('is multi-stage on node:20-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0].args.split(/\s+/)[0]).toBe('node:20-bookworm-slim');
  });

  it('installs from the lockfile, builds, then drops the dev dependencies', () => {
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
    expect(runs).toMatch(/\bnpm prune --(omit=dev|production)\b/);
    expect(runs.indexOf('npm ci')).toBeLessThan(runs.indexOf('npm run build'));
    expect(runs.indexOf('npm run build')).toBeLessThan(runs.search(/npm prune/));
  });

  it('copies into the build every source folder tsconfig compiles', () => {
    const tsconfig = JSON.parse(read('tsconfig.json')) as { include: string[] };
    const copied = stages[0].filter((i) => i.op === 'COPY').flatMap((i) => execFormOrWords(i.args).slice(0, -1));
    for (const pattern of tsconfig.include) {
      const top = pattern.split('/')[0];
      expect(copied.map((c) => c.replace(/^\.\//, '').replace(/\/$/, ''))).toContain(top);
    }
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json']) expect(copied).toContain(file);
    for (const source of copied.filter((c) => !c.startsWith('--'))) {
      if (!fs.existsSync(path.join(ROOT, source))) throw new Error(`Dockerfile copies ${source}, which does not exist`);
    }
  });

  it('runs as a non-root user with NODE_ENV=production', () => {
    const user = final.filter((i) => i.op === 'USER').pop()?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    const env = final.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
  });

  it('defaults to the API entry point, which exists as a package.json script and a built source', () => {
    const cmd = final.filter((i) => i.op === 'CMD').pop();
    expect(cmd).toBeDefined();
    const command = execForm(cmd!.args);
    expectBuiltEntryPoint(command, 'Dockerfile CMD');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(Object.values(pkg.scripts)).toContain(command.join(' '));
    const entrypoint = final.filter((i) => i.op === 'ENTRYPOINT').pop();
    expect(entrypoint).toBeUndefined();
  });

  it('puts the compiled output where the compose commands expect it', () => {
    const copies = final.filter((i) => i.op === 'COPY').map((i) => execFormOrWords(i.args).filter((w) => !w.startsWith('--')));
    expect(copies).toContainEqual(['/app/dist', './dist']);
    expect(copies).toContainEqual(['/app/node_modules', './node_modules']);
    const workdir = final.filter((i) => i.op === 'WORKDIR').pop()?.args;
    expect(workdir).toBe('/app');
  });
});

function execFormOrWords(args: string): string[] {
  return args.startsWith('[') ? JSON.parse(args) : args.split(/\s+/);
}

describe('.dockerignore', () => {
  const entries = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim().replace(/^\//, '').replace(/\/$/, ''))
    .filter((line) => line && !line.startsWith('#'));

  it('keeps local installs, builds, data, tools and git history out of the build context', () => {
    expect(entries).toEqual(expect.arrayContaining(['node_modules', 'dist', 'var', '.tools', '.git']));
  });

  it('does not exclude anything the Dockerfile copies from the context', () => {
    const copied = dockerfileStages(read('Dockerfile'))
      .flat()
      .filter((i) => i.op === 'COPY' && !i.args.includes('--from'))
      .flatMap((i) => execFormOrWords(i.args).slice(0, -1));
    for (const source of copied) expect(entries).not.toContain(source.replace(/^\.\//, '').replace(/\/$/, ''));
  });
});
