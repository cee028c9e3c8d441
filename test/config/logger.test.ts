/** Logs: readable lines under `npm start`, JSON for `npm run api|worker`; personal data redacted in both. */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination: destination as unknown as NodeJS.WritableStream & { write(msg: string): void } };
}

test('JSON by default, with the name, and no customer e-mail or name', () => {
  const { lines, destination } = capture();
  createLogger('info', 'api', { destination }).info({ orderId: 'o-1', customer: { email: 'aki@example.com', name: 'Aki' } }, 'checkout opened');
  const entry = JSON.parse(lines[0]);
  expect(entry).toMatchObject({ name: 'api', msg: 'checkout opened', orderId: 'o-1', customer: { email: '[Redacted]', name: '[Redacted]' } });
});

test('pretty: one readable line with the level, name and message, not JSON, still redacted', () => {
  const { lines, destination } = capture();
  createLogger('info', 'checkout-sagas', { pretty: true, destination }).warn({ orderId: 'o-2', customer: { email: 'aki@example.com' } }, 'provider slow');
  const text = lines.join('\n');
  expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] WARN \(checkout-sagas\): provider slow$/);
  expect(() => JSON.parse(lines[0])).toThrow();
  expect(text).toContain('orderId: "o-2"');
  expect(text).not.toContain('aki@example.com');
});
