/**
 * The app's side of the production-shaped stack, checked statically (see compose.test.ts): the api
 * and worker services of docker-compose.yml against the app's own configuration check, the
 * Dockerfile they run, and .env.example.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, KOMOJU_SANDBOX_PATH, loadConfig } from '../../src/config';
import { WORKER_PROCESS_ENV } from '../../src/temporal/worker';
import {
  HOST_TOKENS,
  ROOT,
  commandOf,
  dependsOn,
  envExampleVars,
  envOf,
  expectBuiltEntryPoint,
  hostPort,
  loadCompose,
  portsOf,
  read,
  type Env,
} from './compose-file';

/** contract.md's configuration table, for when the document is not beside the repository. */
const CONTRACT_ENV_VARS = [
  'PORT', 'PUBLIC_URL', 'STOREFRONT_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE',
  'MONGODB_URI', 'MONGODB_DB', 'SMTP_URL', 'MAIL_FROM', 'KOMOJU_API_URL', 'KOMOJU_SECRET_KEY',
  'KOMOJU_WEBHOOK_SECRET', 'RESURS_API_URL', 'RESURS_USERNAME', 'RESURS_PASSWORD', 'RESURS_CALLBACK_SALT',
  'CHECKOUT_TIMEOUT', 'KONBINI_GRACE', 'ADMIN_TOKEN', 'DATA_DIR',
];
const APP_SERVICES = ['api', 'worker'] as const;
const services = loadCompose(HOST_TOKENS).services;
const REAL_KOMOJU = { KOMOJU_API_URL: 'https://komoju.com', KOMOJU_SECRET_KEY: 'sk_live_x', KOMOJU_WEBHOOK_SECRET: 'whsec_x' };
/** The app's configuration of one service when the host (environment or ./.env) sets `host`. */
const configOf = (name: (typeof APP_SERVICES)[number], host: Env) =>
  loadConfig(envOf(loadCompose({ ...HOST_TOKENS, ...host }).services[name]));

describe('api and worker services', () => {
  it.each(APP_SERVICES)('%s gets only variables the app reads, in production, wired to the stack', (name) => {
    const env = envOf(services[name]);
    // Besides the app's own: the worker's process settings for Node and glibc.
    const processEnv: string[] = name === 'worker' ? Object.keys(WORKER_PROCESS_ENV) : [];
    expect(Object.keys(env).filter((variable) => !CONFIG_VARIABLES.includes(variable) && !processEnv.includes(variable))).toEqual([]);
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: 'temporal:7233',
      MONGODB_URI: 'mongodb://mongo:27017',
      SMTP_URL: 'smtp://mailpit:1025',
      PUBLIC_URL: 'http://localhost:3000',
      SANDBOX_URL: 'http://api:3000',
      ENABLE_SANDBOXES: 'false',
      KOMOJU_API_URL: '',
      KOMOJU_SECRET_KEY: '',
      KOMOJU_WEBHOOK_SECRET: '',
    });
  });

  it.each(APP_SERVICES)('%s reaches only services of the stack, and waits for them', (name) => {
    const env = envOf(services[name]);
    // The ports the stack's images listen on: a typo in a URL would only show at run time.
    const listening: Record<string, string> = { temporal: '7233', mongo: '27017', mailpit: '1025', api: env.PORT ?? '3000' };
    for (const variable of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_URL', 'SANDBOX_URL']) {
      const { host, port } = hostPort(env[variable]);
      if (!(host in services)) throw new Error(`${name}: ${variable}=${env[variable]} names no service of the stack`);
      expect(`${host}:${port}`).toBe(`${host}:${listening[host]}`);
      if (host === name) continue;
      // Temporal is waited for through the one-shot that registers the search attributes.
      const waitsFor = host === 'temporal' ? 'temporal-search-attributes' : host;
      expect(Object.keys(dependsOn(services[name]))).toContain(waitsFor);
    }
  });

  describe("pass the app's own configuration check", () => {
    it.each(APP_SERVICES)('%s stops naming KOMOJU_API_URL when the host enables no provider', (name) => {
      expect(() => configOf(name, {})).toThrow(/^invalid configuration: no payment provider is enabled: set KOMOJU_API_URL/);
    });

    it.each(APP_SERVICES)('%s with ENABLE_SANDBOXES=true: the sandbox served by the api, reached at api:3000', (name) => {
      const config = configOf(name, { ENABLE_SANDBOXES: 'true' });
      expect(config.production).toBe(true);
      expect(config.temporal.address).toBe('temporal:7233');
      expect(config.mongo.uri).toBe('mongodb://mongo:27017');
      expect(config.smtp.url).toBe('smtp://mailpit:1025');
      expect(config.publicUrl).toBe('http://localhost:3000');
      expect(config.komoju).toMatchObject({
        enabled: true,
        sandbox: true,
        apiUrl: `http://api:3000${KOMOJU_SANDBOX_PATH}`,
        secretKey: 'sk_test_sandbox',
      });
      expect(config.apiToken).toBe(HOST_TOKENS.API_TOKEN);
      expect(config.adminToken).toBe(HOST_TOKENS.ADMIN_TOKEN);
      expect(config.payload.encrypt).toBe(true);
      expect(config.payload.keys!.map((k) => k.id)).toEqual(['k1']);
      expect(config.payload.codecOrigins).toContain('http://localhost:8080');
      expect(config.checkoutRateLimit).toEqual({ max: 120, windowMs: 60_000 });
    });

    it.each(APP_SERVICES)('%s uses real KOMOJU and the host secrets when the host sets them', (name) => {
      const config = configOf(name, REAL_KOMOJU);
      expect(config.komoju).toEqual({
        enabled: true,
        sandbox: false,
        apiUrl: 'https://komoju.com',
        secretKey: 'sk_live_x',
        webhookSecret: 'whsec_x',
        konbiniGraceMs: 3_600_000,
      });
      expect(config.resurs.enabled).toBe(false);
    });

    it.each(APP_SERVICES)('%s refuses real KOMOJU without its webhook secret', (name) => {
      const { KOMOJU_WEBHOOK_SECRET: _, ...withoutSecret } = REAL_KOMOJU;
      expect(() => configOf(name, withoutSecret)).toThrow(
        'invalid configuration: KOMOJU_WEBHOOK_SECRET is required when KOMOJU_API_URL is set',
      );
    });
  });

  it('run the same image built from the repository Dockerfile', () => {
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

  it('worker runs with the process environment a long-running worker needs', () => {
    expect(envOf(services.worker)).toMatchObject(WORKER_PROCESS_ENV);
  });

  it('worker is scalable: no container_name, no host ports', () => {
    expect(services.worker.container_name).toBeUndefined();
    expect(services.worker.ports).toBeUndefined();
    expect(services.worker.deploy?.replicas ?? 1).toBeGreaterThanOrEqual(1);
  });

  it('api publishes port 3000 and is health-checked on /healthz', () => {
    expect(portsOf(services.api)).toContainEqual({ published: '3000', target: '3000' });
    expect(commandOf(services.api.healthcheck?.test).join(' ')).toMatch(/(127\.0\.0\.1|localhost):3000\/healthz/);
  });
});

describe('.env.example', () => {
  const vars = envExampleVars();
  const lines = read('.env.example').split('\n');

  it("lists every variable of the contract's configuration table, each one read by the app", () => {
    const contractVars = contractConfigVariables();
    expect(contractVars).toEqual(expect.arrayContaining(['PORT', 'KOMOJU_API_URL', 'KONBINI_GRACE', 'DATA_DIR']));
    expect(contractVars.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
    expect([...contractVars, ...CONFIG_VARIABLES].filter((name) => !vars.has(name))).toEqual([]);
  });

  it('gives each variable a one-line comment right above it', () => {
    const isVariable = (line: string) => /^#?\s*[A-Z][A-Z0-9_]*=/.test(line);
    lines.forEach((line, i) => {
      if (!isVariable(line)) return;
      const above = lines[i - 1] ?? '';
      if (!/^#\s*\S/.test(above) || isVariable(above)) throw new Error(`.env.example line ${i + 1} (${line}) has no comment above it`);
    });
  });

  it('holds values the app accepts, equal to its defaults, and turns on no sandbox or secret', () => {
    const active = Object.fromEntries([...vars].filter(([, v]) => v !== undefined)) as Record<string, string>;
    const config = loadConfig(active);
    const defaults = loadConfig({});
    expect({ ...config, dataDir: defaults.dataDir }).toEqual(defaults);
    // Copied to ./.env for docker compose, it must not opt into a sandbox nor pin a secret.
    for (const name of ['ENABLE_SANDBOXES', 'API_TOKEN', 'ADMIN_TOKEN', 'KOMOJU_SECRET_KEY', 'KOMOJU_WEBHOOK_SECRET', 'PAYLOAD_KEYS']) {
      expect([name, vars.get(name)]).toEqual([name, undefined]);
    }
  });
});

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const final = stages[stages.length - 1];
  const runs = stages.flat().filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');

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
    const copied = stages[0].filter((i) => i.op === 'COPY').flatMap((i) => words(i.args).slice(0, -1));
    for (const pattern of tsconfig.include) {
      expect(copied.map((c) => c.replace(/^\.\//, '').replace(/\/$/, ''))).toContain(pattern.split('/')[0]);
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
    expect(final.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ')).toMatch(/\bNODE_ENV=production\b/);
  });

  it('defaults to the API entry point, which exists as a package.json script and a built source', () => {
    const cmd = final.filter((i) => i.op === 'CMD').pop();
    expect(cmd).toBeDefined();
    const command = cmd!.args.startsWith('[') ? (JSON.parse(cmd!.args) as string[]) : ['/bin/sh', '-c', cmd!.args];
    expectBuiltEntryPoint(command, 'Dockerfile CMD');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(Object.values(pkg.scripts)).toContain(command.join(' '));
    expect(final.filter((i) => i.op === 'ENTRYPOINT').pop()).toBeUndefined();
  });

  it('puts the compiled output where the compose commands expect it', () => {
    const copies = final.filter((i) => i.op === 'COPY').map((i) => words(i.args).filter((w) => !w.startsWith('--')));
    expect(copies).toContainEqual(['/app/dist', './dist']);
    expect(copies).toContainEqual(['/app/node_modules', './node_modules']);
    expect(final.filter((i) => i.op === 'WORKDIR').pop()?.args).toBe('/app');
  });

  it('ships the Resurs WSDL inside dist, which is all the runtime image copies (npm test builds first)', () => {
    for (const file of ['SimplifiedShopFlowService.wsdl', 'AfterShopFlowService.wsdl', 'ConfigurationService.wsdl']) {
      expect(fs.existsSync(path.join(ROOT, 'dist/src/providers/resurs/wsdl', file))).toBe(true);
    }
  });
});

describe('.dockerignore', () => {
  const entries = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim().replace(/^\//, '').replace(/\/$/, ''))
    .filter((line) => line && !line.startsWith('#'));

  it('keeps local installs, builds, data, tools, git history and .env out of the build context', () => {
    expect(entries).toEqual(expect.arrayContaining(['node_modules', 'dist', 'var', '.tools', '.git']));
    expect(entries.some((entry) => entry === '.env' || entry === '.env*' || entry === '*.env')).toBe(true);
  });

  it('does not exclude anything the Dockerfile copies from the context', () => {
    const copied = dockerfileStages(read('Dockerfile'))
      .flat()
      .filter((i) => i.op === 'COPY' && !i.args.includes('--from'))
      .flatMap((i) => words(i.args).slice(0, -1));
    for (const source of copied) expect(entries).not.toContain(source.replace(/^\.\//, '').replace(/\/$/, ''));
  });
});

/** The first column of contract.md's configuration table, when it sits beside the repository (development, CI). */
function contractConfigVariables(): string[] {
  const contract = path.resolve(ROOT, '../shared/design/contract.md');
  if (!fs.existsSync(contract)) return CONTRACT_ENV_VARS;
  const section = fs.readFileSync(contract, 'utf8').split(/^## /m).find((s) => s.startsWith('Configuration')) ?? '';
  return [...section.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)].flatMap((m) => m[1].split(', ').map((v) => v.slice(1, -1)));
}

interface Instruction {
  op: string;
  args: string;
}

/** Instructions per stage, continuation lines joined, comments dropped. */
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

function words(args: string): string[] {
  return args.startsWith('[') ? JSON.parse(args) : args.split(/\s+/);
}
