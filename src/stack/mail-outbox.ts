/** `/sandbox/mail`: the pages of what the embedded SMTP capture (./smtp.ts) received. */
import { Router, type Request, type Response } from 'express';
import { listCapturedMail, readCapturedMail } from './smtp';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}iframe{width:100%;height:32rem;border:1px solid #ddd}</style>
</head><body>${body}</body></html>`;
}

/** `/sandbox/mail`: what the embedded SMTP capture received, for people and for tests. */
export function mailOutboxRouter(dir: string): Router {
  const router = Router();

  router.get('/', async (req: Request, res: Response) => {
    const mails = await listCapturedMail(dir);
    const rows = mails
      .map(
        (m) =>
          `<tr><td><a href="${escapeHtml(`${req.baseUrl}/${m.id}`)}">${escapeHtml(m.subject || '(no subject)')}</a></td>` +
          `<td>${escapeHtml(m.to.join(', '))}</td><td>${escapeHtml(m.date)}</td></tr>`,
      )
      .join('\n');
    const table = mails.length
      ? `<table><tr><th>Subject</th><th>To</th><th>Date</th></tr>\n${rows}</table>`
      : '<p>No messages yet.</p>';
    res.type('html').send(page('Mail outbox', `<h1>Mail outbox (${mails.length})</h1>${table}`));
  });

  router.get('/messages.json', async (_req: Request, res: Response) => {
    res.json(await listCapturedMail(dir));
  });

  // Before '/:id', which would otherwise take "<id>.eml" as an id.
  router.get('/:id.eml', async (req: Request, res: Response) => {
    const mail = await readCapturedMail(dir, String(req.params.id));
    if (!mail) return void res.status(404).json({ error: { code: 'not_found', message: 'no such message' } });
    res.type('message/rfc822').sendFile(mail.file);
  });

  router.get('/:id', async (req: Request, res: Response) => {
    const mail = await readCapturedMail(dir, String(req.params.id));
    if (!mail) return void res.status(404).json({ error: { code: 'not_found', message: 'no such message' } });
    const headers = [
      ['From', mail.from],
      ['To', mail.to.join(', ')],
      ['Subject', mail.subject],
      ['Date', mail.date],
    ]
      .map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('');
    // The HTML part goes into a sandboxed iframe: shown as the recipient would see it, scripts off.
    const html = mail.html
      ? `<h2>HTML</h2><iframe sandbox="" srcdoc="${escapeHtml(mail.html)}"></iframe>`
      : '';
    const body =
      `<p><a href="${escapeHtml(`${req.baseUrl}/`)}">&larr; all messages</a> · ` +
      `<a href="${escapeHtml(`${req.baseUrl}/${mail.id}.eml`)}">raw .eml</a></p>` +
      `<h1>${escapeHtml(mail.subject || '(no subject)')}</h1><table>${headers}</table>` +
      `<h2>Text</h2><pre>${escapeHtml(mail.text)}</pre>${html}`;
    res.type('html').send(page(mail.subject || 'Message', body));
  });

  return router;
}
