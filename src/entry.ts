import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';

/**
 * Runs an entry point: bad configuration stops it with one line naming the variable, and
 * SIGINT/SIGTERM run `stop` once before exiting.
 */
export function runMain(name: string, start: (config: Config, log: Logger) => Promise<() => Promise<void>>, { pretty = false }: { pretty?: boolean } = {}): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, name, { pretty });
  let stopping = false;
  start(config, log)
    .then((stop) => {
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        stop()
          .then(() => process.exit(0))
          .catch((err) => {
            log.error({ err }, 'shutdown failed');
            process.exit(1);
          });
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    })
    .catch((err) => {
      console.error(`${name} could not start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
