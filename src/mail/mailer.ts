import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable per order and kind, so a resend after a crash is recognisable as the same mail. */
  messageId: string;
}

export interface SendOptions {
  /** Aborting closes this send's SMTP connection; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface Mailer {
  send(mail: OutgoingMail, options?: SendOptions): Promise<void>;
  verify(): Promise<void>;
  close(): void;
}

/*
 * SMTP timeouts, tied to the `mail` activity proxy in workflows/proxies.ts
 * (startToCloseTimeout 2m, heartbeatTimeout 20s). An attempt must have ended before the server
 * gives up on it and schedules the next one, or both may deliver the same mail. nodemailer's own
 * defaults (2 min to connect, 10 min of socket silence) outlive the attempt.
 */

/** TCP connect, DNS included. A host that does not answer fails fast and is retried. */
export const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
/** From connected to the server's 220 greeting. */
export const SMTP_GREETING_TIMEOUT_MS = 10_000;
/**
 * Longest silence from the server, e.g. while it checks the message after DATA. Generous, since
 * giving up after the server has the whole message but before its 250 is exactly what sends a
 * mail twice; but under the 2 min startToCloseTimeout.
 */
export const SMTP_SOCKET_TIMEOUT_MS = 90_000;
/**
 * The whole send, however the server spreads its answers out (the socket timeout only bounds
 * each silence). 15 s short of startToCloseTimeout leaves time to report the failure.
 */
export const SMTP_SEND_TIMEOUT_MS = 105_000;

export interface MailerOptions {
  /** Tests shorten it; defaults to SMTP_SEND_TIMEOUT_MS. */
  sendTimeoutMs?: number;
}

export function createMailer(smtpUrl: string, from: string, options: MailerOptions = {}): Mailer {
  const sendTimeoutMs = options.sendTimeoutMs ?? SMTP_SEND_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: SMTP_GREETING_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
  });
  return {
    async send(mail, { signal } = {}) {
      const deadline = AbortSignal.timeout(sendTimeoutMs);
      await transport.sendMail({ from, ...mail, signal: signal ? AbortSignal.any([signal, deadline]) : deadline });
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}
