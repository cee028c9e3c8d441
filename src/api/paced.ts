/**
 * Runs a background pass again and again, each start at least `everyMs` after the previous one
 * ended and at least `share` times that pass's own duration after it: a pass that scans a growing
 * collection (FerretDB scans for any filter but `_id`) then takes at most 1/`share` of the
 * database's time instead of all of it. With 13,700 inbox events the relay's scans took ~3 s,
 * every 5 s.
 */
export function paced(pass: () => Promise<void>, { everyMs, share }: { everyMs: number; share: number }): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };
  const run = async () => {
    const started = Date.now();
    await pass().catch(() => undefined); // the pass logs its own failures
    schedule(Math.max(everyMs, share * (Date.now() - started)));
  };
  schedule(everyMs);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
