/** The embedded SMTP capture keeps what nodemailer sends, and /sandbox/mail shows it over HTTP. */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import nodemailer from 'nodemailer';
import { mailOutboxRouter } from '../../src/stack/mail-outbox';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../../src/stack/smtp';

let dir: string;
let smtp: SmtpCapture;
let http: Server;
let base: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkout-sagas-mail-'));
  smtp = await startSmtpCapture({ dir });
  const app = express();
  app.use('/sandbox/mail', mailOutboxRouter(dir));
  http = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/sandbox/mail`;
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  await smtp.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function send(subject: string, html?: string): Promise<void> {
  const transport = nodemailer.createTransport(smtp.url);
  try {
    await transport.sendMail({
      from: 'tickets@localhost',
      to: 'buyer@example.test',
      subject,
      text: `Body of ${subject}`,
      html,
    });
  } finally {
    transport.close();
  }
}

test('captures a nodemailer message as an .eml file and lists it parsed', async () => {
  expect(smtp.url).toBe(`smtp://127.0.0.1:${smtp.port}`);
  await send('ご注文ありがとうございます #1', '<p>Hello <b>buyer</b></p>');

  const mails = await smtp.list();
  expect(mails).toHaveLength(1);
  const [mail] = mails;
  expect(mail).toMatchObject({
    from: 'tickets@localhost',
    to: ['buyer@example.test'],
    subject: 'ご注文ありがとうございます #1',
    text: expect.stringContaining('Body of ご注文ありがとうございます #1'),
    html: '<p>Hello <b>buyer</b></p>',
  });
  expect(path.dirname(mail.file)).toBe(path.resolve(dir));
  expect(fs.readFileSync(mail.file, 'utf8')).toMatch(/^Subject: /m);
  expect(Number.isNaN(Date.parse(mail.date))).toBe(false);
});

test('lists newest first and serves list, JSON, message and raw .eml over HTTP', async () => {
  await send('Second <script>alert(1)</script>');
  const mails = await smtp.list();
  expect(mails.map((m) => m.subject)).toEqual(['Second <script>alert(1)</script>', 'ご注文ありがとうございます #1']);

  const json = (await (await fetch(`${base}/messages.json`)).json()) as CapturedMail[];
  expect(json.map((m) => m.id)).toEqual(mails.map((m) => m.id));

  const listPage = await fetch(`${base}/`);
  expect(listPage.headers.get('content-type')).toMatch(/text\/html/);
  const listHtml = await listPage.text();
  expect(listHtml).toContain(`href="/sandbox/mail/${mails[0].id}"`);
  expect(listHtml).toContain('Second &lt;script&gt;alert(1)&lt;/script&gt;');
  expect(listHtml).not.toContain('<script>');
  expect(listHtml.indexOf('Second')).toBeLessThan(listHtml.indexOf('ご注文'));

  const one = await (await fetch(`${base}/${mails[1].id}`)).text();
  expect(one).toContain('Body of ご注文ありがとうございます #1');
  // The HTML part is shown only inside a sandboxed iframe, escaped into its srcdoc.
  expect(one).toContain('<iframe sandbox="" srcdoc="&lt;p&gt;Hello &lt;b&gt;buyer&lt;/b&gt;&lt;/p&gt;">');

  const raw = await fetch(`${base}/${mails[1].id}.eml`);
  expect(raw.status).toBe(200);
  expect(await raw.text()).toBe(fs.readFileSync(mails[1].file, 'utf8'));

  expect((await fetch(`${base}/0000000000000-deadbeef`)).status).toBe(404);
  expect((await fetch(`${base}/..%2F..%2Fetc%2Fpasswd.eml`)).status).toBe(404);
});
