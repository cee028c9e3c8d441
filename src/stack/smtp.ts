/**
 * Embedded SMTP capture: accepts every message and keeps it as `<dir>/<timestamp>-<random>.eml`,
 * so the e-mails a checkout sends can be read in tests and at /sandbox/mail (./mail-outbox.ts)
 * without a mail server.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  id: string;
  file: string;
  from: string;
  to: string[];
  subject: string;
  /** ISO 8601; the Date header, or when the file was written. */
  date: string;
  text: string;
  html?: string;
}

export interface SmtpCapture {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  list(): Promise<CapturedMail[]>;
}

const ID_PATTERN = /^[0-9]{13}-[0-9a-f]{8}$/;

export async function startSmtpCapture(opts: { dir: string; port?: number; host?: string }): Promise<SmtpCapture> {
  const dir = path.resolve(opts.dir);
  const host = opts.host ?? '127.0.0.1';
  fs.mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    // Plain local capture: no TLS to negotiate, no credentials to know.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    size: 25 * 1024 * 1024,
    // Pooled nodemailer transports keep connections open; do not let them hold up stop().
    closeTimeout: 1_000,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(Object.assign(new Error('message too large'), { responseCode: 552 }));
        }
        // Fixed-width ms timestamp: file names sort by arrival. Written then renamed so that a
        // reader never parses half a message.
        const id = `${String(Date.now()).padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
        const file = path.join(dir, `${id}.eml`);
        fs.promises
          .writeFile(`${file}.tmp`, Buffer.concat(chunks))
          .then(() => fs.promises.rename(`${file}.tmp`, file))
          .then(() => callback(null, `queued as ${id}`), callback);
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  // A listening server may still emit errors on broken client sockets; keep them from crashing us.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://${host}:${port}`,
    port,
    dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    list: () => listCapturedMail(dir),
  };
}

// .eml files never change once renamed into place, so each is parsed once.
const parsedCache = new Map<string, CapturedMail>();

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => o.value.map((a) => a.address ?? '')).filter((a) => a !== '');
}

export async function readCapturedMail(dir: string, id: string): Promise<CapturedMail | undefined> {
  if (!ID_PATTERN.test(id)) return undefined; // also keeps ids like ../x out of the file system
  const file = path.join(path.resolve(dir), `${id}.eml`);
  const cached = parsedCache.get(file);
  if (cached) return cached;
  let raw: Buffer;
  let mtime: Date;
  try {
    [raw, mtime] = await Promise.all([fs.promises.readFile(file), fs.promises.stat(file).then((s) => s.mtime)]);
  } catch {
    return undefined;
  }
  // Loaded on the first read, not at `npm start` (it is a large module).
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw);
  const mail: CapturedMail = {
    id,
    file,
    from: parsed.from?.text ?? '',
    to: addresses(parsed.to),
    subject: parsed.subject ?? '',
    date: (parsed.date ?? mtime).toISOString(),
    text: parsed.text ?? '',
    ...(parsed.html ? { html: parsed.html } : {}),
  };
  parsedCache.set(file, mail);
  return mail;
}

/** Every captured message, newest first. */
export async function listCapturedMail(dir: string): Promise<CapturedMail[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const ids = names
    .filter((n) => n.endsWith('.eml'))
    .map((n) => n.slice(0, -'.eml'.length))
    .filter((id) => ID_PATTERN.test(id))
    .sort()
    .reverse();
  const mails = await Promise.all(ids.map((id) => readCapturedMail(dir, id)));
  return mails.filter((m): m is CapturedMail => m !== undefined);
}
