/**
 * `npm run ops -- <command> …`: the operators' actions from a terminal, through the admin API
 * (so the same validators answer, and the same records are kept). Exit codes: 0 done, 1 the
 * service said no (the reason is printed), 2 a usage error, 3 the service could not be reached.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from './config';

const ACTIONS: Record<string, { needs?: string[]; optional?: string[]; what: string }> = {
  cancel: { what: 'cancel a checkout that is not paid yet' },
  refund: { optional: ['bank-reference'], what: 'refund a paid order (konbini: record the bank transfer with --bank-reference)' },
  'resend-email': { needs: ['kind'], what: 'send a mail again: --kind order_confirmation | konbini_instructions | …' },
  'mark-paid': { needs: ['payment-reference'], what: "mark paid after a manual reconciliation; the provider must confirm --payment-reference" },
  'extend-deadline': { needs: ['until'], what: 'give a konbini slip or a review longer: --until 2026-12-01T15:00:00Z or +2d' },
  reconcile: { what: 'ask the provider now and act on its answer' },
  'resolve-refund': { optional: ['bank-reference'], what: 'settle a refund_required order: --bank-reference, or ask the provider to refund again' },
};

export const USAGE = `Usage: npm run ops -- <command> [orderId] [options]

Look:
  list [--status S] [--limit N]   checkouts, newest first (S: pending, awaiting_payment, completed,
                                  cancelled, expired, refunded, refund_required)
  show <orderId>                  one checkout, with the operators' actions on it
  webhooks [--state S]            provider events as received (S: refused, mismatched, unroutable, …)

Act (each needs --reason; the checkout's workflow accepts or refuses it, with the reason why):
${Object.entries(ACTIONS)
  .map(([name, spec]) => `  ${`${name} <orderId>`.padEnd(30)}  ${spec.what}`)
  .join('\n')}

Options:
  --reason TEXT      why (kept with the action)
  --operator NAME    who (default: $OPS_OPERATOR, else $USER)
  --url URL          the service (default: $OPS_API_URL, else $PUBLIC_URL, else http://localhost:$PORT or 3000)
  --json             print the service's answer as JSON
  -h, --help         this text

Needs ADMIN_TOKEN (the service's operator token) in the environment.`;

class UsageError extends Error {}

const camel = (flag: string) => flag.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());

/** The HTTP request a command line stands for. */
export interface OpsRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: Record<string, string>;
  json: boolean;
}

export function requestFor(argv: string[], env: NodeJS.ProcessEnv, now = Date.now()): OpsRequest {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      limit: { type: 'string' },
      state: { type: 'string' },
      reason: { type: 'string' },
      operator: { type: 'string' },
      kind: { type: 'string' },
      until: { type: 'string' },
      'bank-reference': { type: 'string' },
      'payment-reference': { type: 'string' },
      url: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, orderId, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  const base = baseUrl(values.url, env);
  const get = (path: string): OpsRequest => ({ method: 'GET', url: `${base}${path}`, json: values.json ?? false });
  if (command === 'list') return get(`/admin/checkouts?${new URLSearchParams({ ...(values.status ? { status: values.status } : {}), ...(values.limit ? { limit: values.limit } : {}) })}`);
  if (command === 'webhooks') return get(`/admin/webhooks${values.state ? `?state=${encodeURIComponent(values.state)}` : ''}`);
  if (!orderId) throw new UsageError(command ? `${command} needs an orderId` : 'say what to do');
  const order = `/admin/checkouts/${encodeURIComponent(orderId)}`;
  if (command === 'show') return get(order);
  const spec = ACTIONS[command];
  if (!spec) throw new UsageError(`unknown command ${command}`);
  const operator = values.operator ?? env.OPS_OPERATOR ?? env.USER;
  if (!operator) throw new UsageError('say who you are: --operator NAME (or OPS_OPERATOR)');
  if (!values.reason) throw new UsageError('say why: --reason TEXT');
  const body: Record<string, string> = { operator, reason: values.reason };
  for (const flag of [...(spec.needs ?? []), ...(spec.optional ?? [])]) {
    const value = values[flag as keyof typeof values];
    if (typeof value === 'string') body[camel(flag)] = flag === 'until' ? absolute(value, now) : value;
    else if (spec.needs?.includes(flag)) throw new UsageError(`${command} needs --${flag}`);
  }
  return { method: 'POST', url: `${base}${order}/${command}`, body, json: values.json ?? false };
}

/** `+2d` (from now) or a date and time as given. */
function absolute(until: string, now: number): string {
  if (!until.startsWith('+')) return until;
  try {
    return new Date(now + parseDuration(until.slice(1))).toISOString();
  } catch {
    throw new UsageError(`--until ${until}: use +30m, +12h, +2d or an ISO date and time`);
  }
}

function baseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return (flag ?? env.OPS_API_URL ?? env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
}

/** One line for a person: what happened, or the list. */
function describe(answer: Record<string, unknown>): string {
  const command = String(answer.action).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  if (typeof answer.outcome === 'string') return `${command} ${String(answer.orderId)}: ${answer.outcome} (status ${String(answer.status)})`;
  if (Array.isArray(answer.checkouts)) {
    return (answer.checkouts as Array<Record<string, unknown>>)
      .map((c) => `${String(c.orderId).padEnd(28)} ${String(c.status).padEnd(16)} ${String(c.amount).padStart(8)} ${String(c.currency)}  ${(c.payment as { provider: string; method: string }).provider} ${(c.payment as { method: string }).method}`)
      .join('\n') || '(none)';
  }
  return JSON.stringify(answer, null, 2);
}

export async function runOps(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  let request: OpsRequest;
  try {
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
      out(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    request = requestFor(argv, env);
  } catch (err) {
    out(`ops: ${err instanceof Error ? err.message : String(err)} (npm run ops -- --help)`);
    return 2;
  }
  if (!env.ADMIN_TOKEN) {
    out('ops: set ADMIN_TOKEN to the service\'s operator token');
    return 2;
  }
  const { url, json } = request;
  let res: Response;
  try {
    res = await fetch(url, {
      method: request.method,
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, ...(request.body ? { 'content-type': 'application/json' } : {}) },
      body: request.body ? JSON.stringify(request.body) : undefined,
    });
  } catch (err) {
    out(`ops: could not reach ${url}: ${err instanceof Error ? err.message : String(err)}`);
    return 3;
  }
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown> & { error?: { code: string; message: string } };
  if (!res.ok) {
    out(json ? JSON.stringify(answer, null, 2) : `ops: ${res.status} ${answer.error?.code ?? ''}: ${answer.error?.message ?? 'no answer'}`);
    return 1;
  }
  out(json ? JSON.stringify(answer, null, 2) : describe(answer));
  return 0;
}

if (require.main === module) {
  void runOps(process.argv.slice(2), process.env, (line) => console.log(line)).then((code) => process.exit(code));
}
