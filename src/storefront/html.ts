/**
 * What the storefront's pages share: escaping, the page shell and the security headers. Scripts
 * and styles are static files (public/), so the policy allows no inline code at all.
 */
import type { Response } from 'express';
import type { Config } from '../config';
import { checkoutApiUrl } from '../providers/resurs/checkout';
import type { Lang } from './i18n';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escaped text as a template tag: `html\`<p>${x}</p>\`` escapes x unless it is already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const part = (value: unknown): string => {
    if (value instanceof Html) return value.text;
    if (Array.isArray(value)) return value.map(part).join('');
    if (value === undefined || value === null || value === false) return '';
    return escapeHtml(String(value));
  };
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? part(values[i]) : ''), ''));
}

/** Already-safe markup (e.g. an SVG the qrcode package made from our own ticket code). */
export const raw = (text: string) => new Html(text);

const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * Own scripts and styles only; the page talks to its own API. Frames: Resurs Checkout embeds its
 * iframe, from this origin (the sandbox) or from Resurs. Forms post here, and the cancel form's
 * answer may lead to the shop's own storefront.
 */
export function contentSecurityPolicy(config: Pick<Config, 'publicUrl' | 'storefrontUrl' | 'resurs'>): string {
  const frames = new Set(["'self'"]);
  if (config.resurs.enabled) {
    // The sandbox's iframe is on this service's public address; Resurs' on its checkout host.
    const resurs = origin(config.resurs.sandbox ? config.publicUrl : checkoutApiUrl(config.resurs.apiUrl));
    if (resurs) frames.add(resurs);
  }
  const forms = new Set(["'self'", origin(config.storefrontUrl)].filter((o): o is string => !!o));
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `frame-src ${[...frames].join(' ')}`,
    `form-action ${[...forms].join(' ')}`,
    "frame-ancestors 'self'",
    "base-uri 'none'",
  ].join('; ');
}

export function pageHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'SAMEORIGIN',
    // Order pages carry the client secret in their URL and personal state: never cached.
    'Cache-Control': 'no-store',
  };
}

export function sendHtml(res: Response, status: number, csp: string, body: Html): void {
  res.status(status).set(pageHeaders(csp)).type('html').send(body.text);
}

export interface Shell {
  lang: Lang;
  title: string;
  body: Html;
  scripts?: string[];
  /** Words for the page's script, as a JSON data block (not executed, so the CSP allows it). */
  clientWords?: Record<string, string>;
}

export function page({ lang, title, body, scripts = [], clientWords }: Shell): Html {
  // `<` escaped so no string in the words can close the data block.
  const words = clientWords ? raw(`<script type="application/json" id="shop-words">${JSON.stringify(clientWords).replace(/</g, '\\u003c')}</script>`) : '';
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="/shop/shop.css">
${words}${scripts.map((src) => html`<script src="${src}" defer></script>\n`)}</head>
<body>${body}</body></html>`;
}
