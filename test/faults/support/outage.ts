/** What a customer sees while a server is down: every request answered (no hang), and how. */
import { http } from '../../support/service';

export interface Probe {
  what: string;
  status: number | 'no answer';
}

/**
 * Until `stop()`: every 500 ms one request of each kind in `requests`, each given 30 s to
 * answer; a request that gets no answer in that time is recorded as a hang.
 */
export function probeDuringOutage(url: string, requests: Array<{ what: string; method: string; path: string; body?: () => unknown }>) {
  const probes: Probe[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await Promise.all(
        requests.map(async (r) => {
          const res = await Promise.race([
            http(r.method, `${url}${r.path}`, r.body?.()).then((x) => x.status, () => 0),
            new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), 30_000).unref()),
          ]);
          // 0: the connection itself failed (the API is up in these scenarios; counted as no answer).
          probes.push({ what: r.what, status: res === 0 ? 'no answer' : res });
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return probes;
    },
  };
}

/** Counts by "what status", e.g. { 'GET /checkouts 503': 12 }. */
export function tally(probes: Probe[]): Record<string, number> {
  return probes.reduce<Record<string, number>>((n, p) => ({ ...n, [`${p.what} ${p.status}`]: (n[`${p.what} ${p.status}`] ?? 0) + 1 }), {});
}
