/**
 * The routes an Express 5 app really mounts, read from its router stack, and path matching as
 * Express does it (the router's own path-to-regexp), so the API description can be compared
 * with what the app serves.
 */
import type { Application } from 'express';

/** The path-to-regexp the router itself uses (not whichever copy a test would import). */
const { match } = require(require.resolve('path-to-regexp', { paths: [require.resolve('router')] })) as {
  match: (path: string, options?: { decode?: (s: string) => string; end?: boolean }) => (input: string) => false | { params: Record<string, unknown> };
};

export interface MountedRoute {
  /** Upper-case methods, or ALL for `router.all` (the handler decides). */
  methods: string[] | 'ALL';
  /** The Express pattern, e.g. `/checkouts/:orderId/*landing`. */
  path: string;
  /** How it is mounted: a route, or middleware mounted at a path (static files, a sub-app). */
  kind: 'route' | 'mounted';
}

interface Layer {
  name: string;
  rawPath?: string | RegExp | Array<string | RegExp>;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function walk(stack: Layer[], prefix: string, out: MountedRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const methods = layer.route.methods._all ? 'ALL' : Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]).map((m) => m.toUpperCase());
      for (const path of list(layer.route.path)) out.push({ methods, path: join(prefix, path), kind: 'route' });
      continue;
    }
    if (layer.rawPath === undefined) throw new Error('this router has no Layer.rawPath (router >= 2.3 needed to read mount paths)');
    for (const raw of list(layer.rawPath)) {
      const path = String(raw);
      if (Array.isArray(layer.handle.stack)) walk(layer.handle.stack, join(prefix, path), out);
      // Middleware mounted at a path answers below it (express.static, a sub-app): GET P/…
      else if (path !== '/') out.push({ methods: ['GET'], path: join(join(prefix, path), '*rest'), kind: 'mounted' });
    }
  }
}

export function mountedRoutes(app: Application): MountedRoute[] {
  const out: MountedRoute[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '', out);
  return out;
}

/** Whether Express would route this concrete path to the pattern. */
export function expressMatches(pattern: string, path: string): boolean {
  return match(pattern, { decode: decodeURIComponent, end: true })(path) !== false;
}
