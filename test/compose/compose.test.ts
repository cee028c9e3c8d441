/**
 * No container engine runs in CI, so the production-shaped stack is checked statically:
 * docker-compose.yml (alone and with the compose.local.yml override) against the official Compose
 * Specification JSON schema (compose-spec's `schema/compose-spec.json`, draft-07, shipped as
 * `schemas/compose.schema.json` by the `dclint` devDependency, 3.1.0 when this was written: update
 * dclint to follow the spec), plus the invariants of this project that a schema cannot see
 * (required secrets, published ports, dependencies, search attributes). The api and worker
 * services, the image and .env.example are checked in app.test.ts.
 * Needs none of the servers that jest's globalSetup starts.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import {
  HOST_TOKENS,
  LOCAL_OVERRIDE,
  commandOf,
  dependsOn,
  envExampleVars,
  envOf,
  hostPort,
  imageTag,
  loadCompose,
  portsOf,
  rawCompose,
  rawLocal,
  type ComposeFile,
  type Service,
} from './compose-file';

/** contract.md, "Temporal". */
const CONTRACT_SEARCH_ATTRIBUTES: Record<string, string> = {
  CheckoutStatus: 'Keyword',
  PaymentProvider: 'Keyword',
  PaymentMethod: 'Keyword',
  EventId: 'Keyword',
  PaymentDeadline: 'Datetime',
};
const APP_SERVICES = ['api', 'worker'] as const;

const compose = loadCompose(HOST_TOKENS);
const services = compose.services;
const local = loadCompose(HOST_TOKENS, { local: true });

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
      const realKomoju = { KOMOJU_API_URL: 'https://komoju.com', KOMOJU_SECRET_KEY: 'sk_live_x', KOMOJU_WEBHOOK_SECRET: 'whsec_x' };
      expect(errorsOf(loadCompose({ ...HOST_TOKENS, ...realKomoju }))).toEqual([]);
    });

    it(`validates ${LOCAL_OVERRIDE} alone and merged into the file`, () => {
      expect(errorsOf(rawLocal)).toEqual([]);
      expect(errorsOf(local)).toEqual([]);
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
    expect(() => loadCompose(HOST_TOKENS, { refs, local: true })).not.toThrow();
    expect(refs.size).toBeGreaterThan(10);
    const documented = envExampleVars();
    expect([...refs].filter((name) => !documented.has(name))).toEqual([]);
  });

  describe('refuses to run without the secrets that have no safe default', () => {
    it.each(['ADMIN_TOKEN', 'API_TOKEN', 'PAYLOAD_KEYS'] as const)('%s, unset or empty, stops `docker compose` naming it', (name) => {
      for (const value of [undefined, '']) {
        const env = { ...HOST_TOKENS, [name]: value };
        expect(() => loadCompose(env)).toThrow(new RegExp(`required variable ${name} is missing a value: set ${name}`));
        expect(() => loadCompose(env, { local: true })).toThrow(name);
      }
    });

    it('passes the tokens and the payload keys, as given, to the api and the worker', () => {
      for (const app of APP_SERVICES) {
        expect(envOf(services[app])).toMatchObject({ ...HOST_TOKENS, NODE_ENV: 'production' });
      }
    });
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
    expect(imageTag(searchAttributeJob()!.service.image).tag!.split('-')[0]).toBe(tag);
  });

  it('keeps the databases on named volumes, with health checks', () => {
    for (const [name, dataDir] of [['postgresql', '/var/lib/postgresql/data'], ['mongo', '/data/db']] as const) {
      const service = services[name];
      const mount = (service.volumes ?? []).map(String).find((v: string) => v.endsWith(`:${dataDir}`));
      if (!mount) throw new Error(`${name} keeps ${dataDir} on no volume`);
      expect(Object.keys(compose.volumes ?? {})).toContain(mount.split(':')[0]);
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
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]) => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`depends_on cycle: ${[...trail, name].join(' -> ')}`);
      visiting.add(name);
      for (const target of Object.keys(dependsOn(services[name]))) {
        if (!(target in services)) throw new Error(`service ${name} depends on unknown service ${target}`);
        visit(target, [...trail, name]);
      }
      visiting.delete(name);
      done.add(name);
    };
    Object.keys(services).forEach((name) => visit(name, []));
    expect(done.size).toBe(Object.keys(services).length);
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

  describe('host ports', () => {
    const published = (file: ComposeFile) =>
      Object.entries(file.services).flatMap(([name, s]) => portsOf(s).filter((p) => p.published).map((p) => ({ name, ...p })));

    it('publishes only the api, on 3000, by default', () => {
      expect(published(compose)).toEqual([{ name: 'api', ip: undefined, published: '3000', target: '3000' }]);
    });

    it(`${LOCAL_OVERRIDE} adds Temporal (7233), its UI (8080) and Mailpit (8025, 1025), on 127.0.0.1 only`, () => {
      const added = published(local).filter((p) => p.name !== 'api');
      expect(added).toEqual(
        expect.arrayContaining([
          { name: 'temporal', ip: '127.0.0.1', published: '7233', target: '7233' },
          { name: 'temporal-ui', ip: '127.0.0.1', published: '8080', target: '8080' },
          { name: 'mailpit', ip: '127.0.0.1', published: '8025', target: '8025' },
          { name: 'mailpit', ip: '127.0.0.1', published: '1025', target: '1025' },
        ]),
      );
      expect(added).toHaveLength(4);
      expect(envOf(local.services['temporal-ui']).TEMPORAL_ADDRESS).toBe('temporal:7233');
    });

    it(`${LOCAL_OVERRIDE} changes nothing but ports, and publishes no host port twice`, () => {
      for (const [name, service] of Object.entries(rawLocal.services)) {
        expect(name in services).toBe(true);
        expect(Object.keys(service)).toEqual(['ports']);
      }
      const hostPorts = published(local).map((p) => p.published);
      expect(new Set(hostPorts).size).toBe(hostPorts.length);
    });
  });

  describe('encrypted Temporal payloads', () => {
    it("point the Temporal UI at the api's codec endpoint, at the address the operator's browser uses", () => {
      const ui = envOf(services['temporal-ui']);
      expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`${envOf(services.api).PUBLIC_URL}/codec`);
      expect(envOf(loadCompose({ ...HOST_TOKENS, PUBLIC_URL: 'https://tickets.example.com' }).services['temporal-ui']).TEMPORAL_CODEC_ENDPOINT).toBe(
        'https://tickets.example.com/codec',
      );
    });

    it(`let the UI's pages in, as ${LOCAL_OVERRIDE} publishes the UI`, () => {
      const published = portsOf(local.services['temporal-ui']).find((p) => p.target === '8080')!;
      const origins = envOf(services.api).PAYLOAD_CODEC_ORIGINS.split(',');
      expect(origins).toEqual(expect.arrayContaining([`http://localhost:${published.published}`, `http://${published.ip}:${published.published}`]));
    });
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
