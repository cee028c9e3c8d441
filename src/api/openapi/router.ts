/**
 * `GET /openapi.json` and `GET /docs`: the API description and a page to read it (Swagger UI).
 * The page's files come from the `swagger-ui-dist` package, served from here: the service
 * needs no CDN, and nothing else of that package (its demo page, source maps) is reachable.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Router } from 'express';
import { HttpError } from '../errors';
import { openApiDocument } from './document';
import { DOCS_ASSETS } from './paths-pages';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const DOCS_SCRIPT = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true, validatorUrl: null });";
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>checkout-sagas API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head><body><div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>${DOCS_SCRIPT}</script>
</body></html>`;

/**
 * The page's own files and its one inline script (by hash) only; Swagger UI sets inline styles,
 * loads its icons as data: URLs, and calls this API ("Try it out"). Never framed.
 */
const DOCS_HEADERS = {
  'Content-Security-Policy': [
    "default-src 'none'",
    `script-src 'self' 'sha256-${createHash('sha256').update(DOCS_SCRIPT).digest('base64')}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export function apiDocsRouter({ publicUrl }: { publicUrl: string }): Router {
  const document = openApiDocument({ publicUrl });
  const router = Router();
  router.get('/openapi.json', (_req, res) => void res.json(document));
  router.get('/docs', (_req, res) => void res.set(DOCS_HEADERS).type('html').send(DOCS_PAGE));
  router.get('/docs/assets/:file', (req, res, next) => {
    const file = req.params.file;
    if (!(DOCS_ASSETS as readonly string[]).includes(file)) return next(new HttpError(404, 'not_found', `no docs asset ${file}`));
    res.sendFile(path.join(SWAGGER_UI_DIR, file), { maxAge: '1d' });
  });
  return router;
}
