/**
 * fast-check arbitraries for bad input: a valid body broken in a way that can never be valid
 * again (a key the strict schemas do not know, or a value of the wrong JSON type), optionally
 * with more damage on top (fields removed, huge or exotic strings, `__proto__` keys in the raw
 * text); bytes that are not JSON; odd path segments and query strings.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Strings the parsers and the database dislike: control characters, astral planes, operators, long ones. */
export const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '$where', '{"$gt":""}', '../../etc/passwd', '%00', '%E0%A4%A', '<script>alert(1)</script>', '\u202e', 'null', '__proto__', 'constructor', 'a'.repeat(300)),
);

/** Any JSON value, with exotic strings and numbers out of every range. */
export const junk: fc.Arbitrary<Json> = fc.oneof(
  oddString,
  fc.double().map((n) => (Number.isFinite(n) ? n : 1e308)),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e21),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (value && typeof value === 'object') {
    const entries: Array<[string | number, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
  }
  return [prefix];
}

const at = (value: Json, path: Path): Json => path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], value);

export interface Breakage {
  body: Json;
  /** What was done, for the failure report. */
  how: string;
}

/** A valid body made invalid for good: one strict-schema breach, then random further damage. */
export function broken(valid: Json): fc.Arbitrary<Breakage> {
  return fc
    .record({
      target: fc.nat(),
      breach: fc.constantFrom('unknown key', 'wrong type'),
      key: fc.oneof(oddString, fc.constantFrom('admin', 'isAdmin', 'status', 'price')).map((k) => `zz${k}`),
      value: junk,
      removals: fc.array(fc.nat(), { maxLength: 3 }),
      huge: fc.option(fc.record({ target: fc.nat(), length: fc.integer({ min: 1000, max: 20_000 }), char: fc.constantFrom('a', 'é', '𝄞', '\u0000') })),
    })
    .map(({ target, breach, key, value, removals, huge }) => {
      const body = structuredClone(valid) as Json;
      const paths = pathsOf(body);
      const path = paths[target % paths.length];
      const notes: string[] = [];
      // Further damage first, so the breach below is never undone.
      for (const n of removals) {
        const candidates = pathsOf(body).filter((p) => p.length > 0);
        const victim = candidates[n % candidates.length];
        if (!victim) break;
        const parent = at(body, victim.slice(0, -1)) as Record<string | number, Json>;
        if (Array.isArray(parent)) parent.splice(victim.at(-1) as number, 1);
        else delete parent[victim.at(-1)!];
        notes.push(`removed ${victim.join('.')}`);
      }
      if (huge) {
        const leaves = pathsOf(body).filter((p) => p.length > 0 && typeof at(body, p) === 'string');
        const leaf = leaves[huge.target % Math.max(1, leaves.length)];
        if (leaf) {
          (at(body, leaf.slice(0, -1)) as Record<string | number, Json>)[leaf.at(-1)!] = huge.char.repeat(huge.length);
          notes.push(`huge ${leaf.join('.')}`);
        }
      }
      const live = pathsOf(body);
      const spot = live.find((p) => p.join('.') === path.join('.')) ?? [];
      const node = at(body, spot);
      if (breach === 'wrong type' && spot.length > 0 && kindOf(value) !== kindOf(node)) {
        (at(body, spot.slice(0, -1)) as Record<string | number, Json>)[spot.at(-1)!] = value;
        notes.push(`${spot.join('.')} := ${JSON.stringify(value)?.slice(0, 60)}`);
      } else {
        // An unknown key on the nearest object (the body itself at worst): strict schemas refuse it.
        let holder = spot;
        while (holder.length > 0 && kindOf(at(body, holder)) !== 'object') holder = holder.slice(0, -1);
        const object = at(body, holder);
        if (kindOf(object) === 'object') (object as Record<string, Json>)[key] = value;
        else return { body: [body], how: 'wrapped in an array' };
        notes.push(`unknown key ${JSON.stringify(key).slice(0, 40)} at ${holder.join('.') || '(body)'}`);
      }
      return { body, how: notes.join('; ') };
    });
}

/** A prototype-pollution key written into the raw JSON text (JSON.stringify would never write one). */
export const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
export const withProtoKey = (text: string, key: string) => (text.startsWith('{') ? `{"${key}":{"polluted":true,"prototype":{"polluted":true}},${text.slice(1)}` : text);

/** Raw request bodies that are no JSON at all, or JSON nobody asked for. */
export const rawJunk = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.constantFrom('{', '{"a":', '[1,2', 'nul', '\u0000', '{"a":1}}', '\uFEFF{}').map((s) => Buffer.from(s)),
  fc.integer({ min: 65 * 1024, max: 90 * 1024 }).map((n) => Buffer.alloc(n, 0x61)),
);

/** Content types a JSON endpoint must refuse or ignore. */
export const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
);

/** A path segment as a client could write it: encoded odd text, or raw bytes and broken escapes. */
export const oddSegment = fc.oneof(
  oddString.filter((s) => s.length > 0).map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '...', '%2F', 'a%00b', '__proto__', 'constructor', 'hasOwnProperty', 'toString', '%F0%9F%92%A9', 'x'.repeat(3000)),
);

/** A query string of odd keys and values, repeated keys and arrays included. */
export const oddQuery = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('session_id', 'apiData', 'clientSecret', 'paymentId', 'result', 'digest', 'lang', 'status', 'limit', '__proto__', 'a[b]', 'x[]')), oddString), { maxLength: 5 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
