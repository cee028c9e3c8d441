import pino, { type Logger } from 'pino';

export function createLogger(level: string, name = 'checkout-sagas'): Logger {
  return pino({ name, level, redact: ['customer.email', 'customer.name', 'req.headers.authorization'] });
}
