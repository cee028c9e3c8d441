/**
 * The public API description (OpenAPI 3.1), built from the same zod schemas and provider
 * vocabularies the routes use. Served at `/openapi.json`; `test/api/openapi.test.ts` checks it
 * against the routes the app mounts and against a running service.
 */
import { codecPaths } from './paths-codec';
import { providerPaths } from './paths-providers';
import { operatorPaths } from './paths-operators';
import { pagePaths } from './paths-pages';
import { resursCheckoutPaths } from './paths-resurs-checkout';
import { shopPaths } from './paths-shop';
import { schemas } from './schemas';

/** The contract's version: the package's, bumped with it. */
export const API_VERSION = '0.1.0';

const description = `Every checkout of a ticketing shop as one durable Temporal workflow: seats are held, the customer pays at KOMOJU or Resurs Bank, and every redirect, webhook, timer and operator action lands in one ordered history.

JSON in and out. Errors are \`{"error": {"code", "message", "details"?}}\` and never carry a stack trace; each operation lists the codes it answers with. The statuses, the order lifecycle, e-mails and configuration are described in \`docs/api.md\`.

**Who may call what.** The shop's server: \`Authorization: Bearer $API_TOKEN\` (required in production; without \`API_TOKEN\`, in development, the checkout API is open). The customer's browser: the order's \`clientSecret\` from \`POST /checkouts\` (header \`X-Client-Secret\`, query \`?clientSecret=\`, or a form field), which reads that order without personal data and cancels it. Operators: \`Authorization: Bearer $ADMIN_TOKEN\` for \`/admin/*\` and \`POST /events\`; the Temporal UI's pages (an allowed \`Origin\`) or the operators' token for \`/codec/*\`. Providers: their own signatures.

**Not described here:** the built-in provider sandboxes under \`/sandbox/*\` (the imitation KOMOJU and Resurs Bank APIs and pages, and the captured mail at \`/sandbox/mail\`). They exist for development and demos only (\`ENABLE_SANDBOXES\`) and are not part of the public API.`;

export function openApiDocument({ publicUrl }: { publicUrl: string }) {
  return {
    openapi: '3.1.1',
    info: { title: 'checkout-sagas', version: API_VERSION, description, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'Checkouts', description: "The shop's server and the customer's browser" },
      { name: 'Events', description: 'Events and their seats' },
      { name: 'Resurs Checkout', description: "Resurs Bank's iframe on the shop's page: its session comes before the order" },
      { name: 'Customer returns', description: 'Where providers send the customer back; a GET never cancels' },
      { name: 'Provider webhooks', description: 'Signed deliveries, recorded before anyone acts on them' },
      { name: 'Operators', description: 'Bearer `ADMIN_TOKEN`' },
      { name: 'Payload codec', description: "Temporal's remote codec protocol: the Temporal UI and CLI read and write the encrypted workflow payloads through it" },
      { name: 'Storefront', description: "The storefront this service serves: the shop (without `API_TOKEN`) and the customer's order page" },
      { name: 'Health', description: 'Liveness, readiness, metrics' },
      { name: 'Documentation', description: 'This description' },
    ],
    paths: { ...shopPaths, ...resursCheckoutPaths, ...providerPaths, ...operatorPaths, ...codecPaths, ...pagePaths },
    components: {
      schemas,
      securitySchemes: {
        shopToken: { type: 'http', scheme: 'bearer', description: "`API_TOKEN`: the shop's server key (at least 16 characters). Unset in development: the checkout API is open." },
        adminToken: { type: 'http', scheme: 'bearer', description: "`ADMIN_TOKEN`: the operators' token (at least 8 characters). Unset: `/admin/*` is 404 and `POST /events` is open." },
        clientSecretHeader: { type: 'apiKey', in: 'header', name: 'X-Client-Secret', description: "One order's `clientSecret`, for the customer's browser." },
        clientSecretQuery: { type: 'apiKey', in: 'query', name: 'clientSecret', description: "One order's `clientSecret` in a link (the order page, the return from the provider)." },
        komojuSignature: { type: 'apiKey', in: 'header', name: 'X-Komoju-Signature', description: 'Lowercase hex HMAC-SHA256 of the raw request body, keyed with `KOMOJU_WEBHOOK_SECRET`.' },
        temporalUiOrigin: { type: 'apiKey', in: 'header', name: 'Origin', description: 'Set by the browser: a Temporal UI page whose origin is in `PAYLOAD_CODEC_ORIGINS` (CORS). Keeps other web sites out; it is not authentication.' },
        resursDigest: { type: 'apiKey', in: 'query', name: 'digest', description: 'Uppercase hex SHA1 (MD5 accepted) of the callback\'s digest parameters followed by `RESURS_CALLBACK_SALT`.' },
      },
    },
  };
}
export type OpenApiDocument = ReturnType<typeof openApiDocument>;
