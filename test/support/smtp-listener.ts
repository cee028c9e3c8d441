/**
 * An SMTP listener for tests of slow and absent mail servers. A message counts as delivered as
 * soon as the listener has the whole DATA, whatever the client does afterwards: that is what a
 * real MTA does, so a retry that overlaps a slow attempt shows up as a second delivery.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ListenerOptions {
  port?: number;
  /** How long the server sits on a received message before answering 250. */
  dataReplyDelayMs?: number;
  /** How long it sits on RCPT TO, i.e. stalls before the message is sent at all. */
  rcptReplyDelayMs?: number;
}

export interface DeliveredMail {
  at: number;
  messageId: string | undefined;
  raw: string;
}

export interface SmtpListener {
  port: number;
  url: string;
  delivered: DeliveredMail[];
  /** Sessions whose client has gone away (sent QUIT or dropped the connection). */
  closedSessions: number;
  stop(): Promise<void>;
}

export async function startSmtpListener(opts: ListenerOptions = {}): Promise<SmtpListener> {
  const delivered: DeliveredMail[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    if (!ms) return fn();
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const listener = { closedSessions: 0 };

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    closeTimeout: 1_000,
    onRcptTo(_address, _session, callback) {
      later(opts.rcptReplyDelayMs ?? 0, () => callback());
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        delivered.push({ at: Date.now(), messageId: /^Message-ID:\s*(\S+)/im.exec(raw)?.[1], raw });
        later(opts.dataReplyDelayMs ?? 0, () => callback(null, 'queued'));
      });
    },
    onClose() {
      listener.closedSessions++;
    },
  });
  // Answers to a client that already left end up here; they are expected.
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.server.removeListener('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return Object.assign(listener, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    delivered,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
      }),
  });
}
