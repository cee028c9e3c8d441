/** The codec endpoint: Temporal's remote codec protocol, for the Temporal UI and CLI. */
import { errors, json, security, type Operation, type Paths } from './builders';
import { ref } from './schemas';
import type { ErrorCode } from './vocabulary';

const b64 = (text: string) => Buffer.from(text).toString('base64');
/** A payload as Temporal keeps it without encryption (and as `/decode` answers). */
const plain = { metadata: { encoding: b64('json/plain') }, data: b64('{"orderId":"order-1"}') };
/** The same payload encrypted (key `k1`): what histories hold and `/encode` answers. */
const encrypted = {
  metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('k1') },
  data: 'OfTc7iuZV8ap7R20QknP/8fyq1J7u5QqQdibeD+cyal4nCcF2A6wXFI7DDT8+Hjr3W7AHdIh7GuUAdoEG3Vl6qvm+CXT2uXh3xHqRzcUbfqCDEDaX9uJDgCkWTheAsj8OP44Qidkq2Q8TIWYj3o=',
};

const who =
  'Called from an operator\'s browser by a Temporal UI whose origin is in `PAYLOAD_CODEC_ORIGINS` (CORS: the preflight `OPTIONS` is answered for those origins only; any other `Origin` gets 403), or without an `Origin` (the `temporal` CLI\'s `--codec-endpoint` with `--codec-auth "Bearer $ADMIN_TOKEN"`, scripts) with the bearer `ADMIN_TOKEN`. The origin check keeps other web sites from using an operator\'s browser; it does not authenticate a non-browser caller, so keep `/codec` reachable by operators only. `X-Namespace`, when sent, must be this service\'s namespace. Bodies up to 4 MiB; every bytes field is base64 (proto3 JSON).';

function operation(direction: 'encode' | 'decode'): Operation {
  const decode = direction === 'decode';
  const keyErrors: Partial<Record<number, ErrorCode[]>> = decode ? { 422: ['undecryptable_payload'] } : {};
  return {
    operationId: decode ? 'codecDecode' : 'codecEncode',
    tags: ['Payload codec'],
    summary: decode ? 'Decrypt payloads for the Temporal UI' : 'Encrypt payloads the Temporal UI sends',
    description: `${decode ? 'Payloads encrypted with any key of `PAYLOAD_KEYS` come back plain; payloads that were never encrypted come back as they are.' : 'Encrypts with the newest key (the first of `PAYLOAD_KEYS`), as the workers do: e.g. the input of a signal sent from the UI.'} ${who}`,
    security: security.codec,
    parameters: [{ name: 'X-Namespace', in: 'header', required: false, description: 'the namespace the payloads belong to', schema: { type: 'string' }, example: 'default' }],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: ref('CodecPayloads'),
          examples: decode
            ? { written_before_encryption: { summary: 'a payload from before encryption was on: answered unchanged', value: { payloads: [plain] } } }
            : { signal_input: { summary: 'a plain payload to encrypt', value: { payloads: [plain] } } },
        },
      },
    },
    responses: {
      200: json(decode ? 'the payloads, decrypted, in the same order' : 'the payloads, encrypted, in the same order', ref('CodecPayloads'), { payloads: [decode ? plain : encrypted] }),
      ...errors({
        400: ['invalid_request', 'invalid_json'],
        401: ['unauthorized'],
        403: ['origin_not_allowed'],
        404: ['not_found'],
        413: ['payload_too_large'],
        ...keyErrors,
        503: ['unavailable'],
      }),
    },
  };
}

export const codecPaths: Paths = {
  '/codec/decode': { post: operation('decode') },
  '/codec/encode': { post: operation('encode') },
};
