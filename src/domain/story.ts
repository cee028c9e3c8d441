/**
 * The checkout told in words for operators in the Temporal UI: a one-line summary and Markdown
 * details fixed at start, and what the run is waiting for now. Never a name or an e-mail
 * address: these strings are stored in plain text. Pure: the workflow bundle imports this file.
 */
import type { CheckoutInput, CheckoutView, PricedItem } from './checkout';

const PROVIDER_NAMES: Record<string, string> = { komoju: 'KOMOJU', resurs: 'Resurs Bank' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const JST_OFFSET_MS = 9 * 3_600_000;

export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** `¥6,000`, `SEK 1,250.00`: amounts are in the currency's smallest unit (no Intl: replay-safe). */
export function money(amount: number, currency: string): string {
  const digits = currency === 'JPY' ? 0 : 2;
  const [whole, cents] = (amount / 10 ** digits).toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return currency === 'JPY' ? `¥${grouped}` : `${currency} ${grouped}.${cents}`;
}

/**
 * `25 Nov 23:59 JST` for KOMOJU (Japanese stores and customers), `24 Nov 10:02 UTC` otherwise.
 * Formatted by hand so a replay on a worker in another time zone writes the same words.
 */
export function when(iso: string, provider: string): string {
  const jst = provider === 'komoju';
  const at = new Date(Date.parse(iso) + (jst ? JST_OFFSET_MS : 0));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${two(at.getUTCHours())}:${two(at.getUTCMinutes())} ${jst ? 'JST' : 'UTC'}`;
}

function method({ payment }: Pick<CheckoutInput, 'payment'>): string {
  const flow = payment.flow ? ` (${payment.flow})` : '';
  return `${providerName(payment.provider)} ${payment.method.replace(/_/g, ' ')}${flow}`;
}

const ticketCount = (items: PricedItem[]) => items.reduce((n, item) => n + item.quantity, 0);

/** One line in the UI's workflow list: event, amount, provider and method. */
export function checkoutSummary(input: CheckoutInput): string {
  const tickets = ticketCount(input.items);
  return `${input.eventId} · ${money(input.amount, input.currency)} · ${tickets} ticket${tickets === 1 ? '' : 's'} · ${method(input)}`;
}

/** The run's static details: the order as bought (Markdown; a list, which the UI renders well). */
export function checkoutDetails(input: CheckoutInput): string {
  return [
    `**Order** \`${input.orderId}\` · **Event** ${input.eventTitle || input.eventId} (\`${input.eventId}\`)`,
    '',
    ...input.items.map((item) => `- ${item.quantity} × ${item.name} at ${money(item.unitPrice, input.currency)}`),
    `- **Total** ${money(input.amount, input.currency)}, paid by ${method(input)}`,
    `- **Checkout timeout** ${Math.round(input.checkoutTimeoutMs / 60_000)} min`,
  ].join('\n');
}

/** Where the run is: what it does or waits for now. */
export type Phase = 'opening' | 'customer' | 'pending' | 'capturing' | 'settling' | 'done';

/** The run's current details: in words, what it waits for (Markdown). */
export function currentDetails(view: CheckoutView, phase: Phase, waitingUntil?: string): string {
  const { provider } = view.payment;
  const name = providerName(provider);
  const until = waitingUntil ? ` until ${when(waitingUntil, provider)}` : '';
  const givesUp = waitingUntil ? `; the checkout gives up at ${when(waitingUntil, provider)}` : '';
  const pending = view.payment.pending;
  switch (phase) {
    case 'opening':
      return `Opening ${name}'s payment page.`;
    case 'customer':
      return `Waiting for the customer on ${name}'s page${until} (checkout timeout).`;
    case 'pending': {
      const konbini = view.payment.konbini as { store?: string } | undefined;
      const since = view.history.at(-1)?.at;
      if (pending?.kind === 'konbini') {
        const due = pending.deadline ? `, due ${when(pending.deadline, provider)}` : '';
        return `Waiting for konbini payment${konbini?.store ? ` at ${storeName(konbini.store)}` : ''}${due}${givesUp}.`;
      }
      if (pending?.kind === 'review') return `Under fraud review at ${name} since ${since ? when(since, provider) : '?'}${givesUp}.`;
      return `Waiting for the payment (${pending?.reason ?? 'pending'})${until}.`;
    }
    case 'capturing':
      return `Capturing the authorized payment at ${name}.`;
    case 'settling':
      return 'Settling: selling the seats and issuing tickets, or giving back what was taken.';
    case 'done':
      return outcome(view);
  }
}

function outcome(view: CheckoutView): string {
  const last = view.history.at(-1)?.reason ?? '';
  switch (view.status) {
    case 'completed':
      return `**Completed**: ${view.tickets?.length ?? 0} ticket(s) issued, confirmation mailed.`;
    case 'refund_required':
      return `**Refund required**: ${last}. Refund by hand and record it: \`npm run ops -- resolve-refund ${view.orderId} --bank-reference …\`.`;
    default:
      return `**${view.status[0].toUpperCase()}${view.status.slice(1).replace(/_/g, ' ')}**: ${last}.`;
  }
}

/** KOMOJU's store codes as people say them. */
function storeName(store: string): string {
  const names: Record<string, string> = { 'lawson': 'Lawson', 'family-mart': 'FamilyMart', 'seven-eleven': '7-Eleven', 'ministop': 'Ministop', 'daily-yamazaki': 'Daily Yamazaki', 'seicomart': 'Seicomart' };
  return names[store] ?? store;
}
