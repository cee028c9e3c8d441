/**
 * The benchmark's front door: every request to the service passes through here, spread over the
 * API processes, so the bench sees what a provider sees. A webhook's answer time is recorded
 * (from the moment its body has arrived until the service's answer); in `hold` mode webhooks are
 * answered here and kept, to be sent later by many concurrent senders at once.
 */
import http from 'node:http';

export interface HeldWebhook {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Relay {
  url: string;
  /** Answer times of forwarded webhooks, in ms, by provider (the path's first part). */
  acks: Record<string, number[]>;
  hold: boolean;
  held: HeldWebhook[];
  /** Requests the relay could not pass on (answered 502). */
  errors: string[];
  setTargets(urls: string[]): void;
  close(): Promise<void>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

export async function startRelay(): Promise<Relay> {
  let targets: string[] = [];
  let turn = 0;
  const relay: Relay = {
    url: '',
    acks: {},
    hold: false,
    held: [],
    errors: [],
    setTargets: (urls) => {
      targets = urls;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const webhook = /^\/webhooks\/([^/?]+)/.exec(req.url ?? '');
      if (webhook && relay.hold) {
        relay.held.push({ method: req.method ?? 'POST', path: req.url!, headers: plainHeaders(req.headers), body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const target = new URL(targets[turn++ % targets.length]);
      const started = performance.now();
      const forward = (retry: boolean) => {
        const upstream = http.request(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
          (answer) => {
            if (webhook) (relay.acks[webhook[1]] ??= []).push(performance.now() - started);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', (err: NodeJS.ErrnoException) => {
          // A kept-alive socket the server closed as we reused it: Node's advice is to send again.
          if (retry && upstream.reusedSocket && err.code === 'ECONNRESET') return forward(false);
          relay.errors.push(`${req.method} ${req.url}: ${err.message}`);
          if (!res.headersSent) res.writeHead(502).end();
          else res.destroy();
        });
        upstream.end(body);
      };
      forward(true);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  relay.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return relay;
}

function plainHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string' && name !== 'host' && name !== 'content-length' && name !== 'connection') out[name] = value;
  return out;
}

/** Sends a held webhook to one API; its answer time in ms (throws unless 2xx). */
export async function deliver(apiUrl: string, webhook: HeldWebhook): Promise<number> {
  const started = performance.now();
  const body = webhook.method === 'GET' ? undefined : webhook.body;
  const res = await fetch(`${apiUrl}${webhook.path}`, { method: webhook.method, headers: webhook.headers, body });
  await res.arrayBuffer();
  const took = performance.now() - started;
  if (!res.ok) throw new Error(`webhook ${webhook.path} answered ${res.status}`);
  return took;
}
