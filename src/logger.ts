import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export interface LoggerOptions {
  /** One readable line per entry (`npm start`, a person at a terminal); JSON otherwise (`npm run api|worker`, log shippers). */
  pretty?: boolean;
  destination?: DestinationStream;
}

export function createLogger(level: string, name = 'checkout-sagas', { pretty = false, destination }: LoggerOptions = {}): Logger {
  const options = { name, level, redact: ['customer.email', 'customer.name', 'req.headers.authorization'] };
  if (pretty) {
    const colorize = !destination && Boolean(process.stdout.isTTY);
    return pino(options, pinoPretty({ colorize, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true, ...(destination ? { destination } : {}) }));
  }
  return destination ? pino(options, destination) : pino(options);
}
