/**
 * One line per activity call, shown in the Temporal UI's event history, so the history reads as
 * the story of the order ("hold 2 seats", "ask the provider about the payment") rather than as bare
 * function names. No personal data: these lines are stored in plain text.
 */
import type { CheckoutActivities } from '../activities';
import { money, providerName } from '../src/domain/story';

type Summaries = { [Name in keyof CheckoutActivities]: (arg: Parameters<CheckoutActivities[Name]>[0]) => string };

const amount = (value: number, currency?: string) => (currency ? money(value, currency) : String(value));

const seats = (items: Array<{ quantity: number }>) => {
  const n = items.reduce((sum, item) => sum + item.quantity, 0);
  return `${n} seat${n === 1 ? '' : 's'}`;
};

export const ACTIVITY_SUMMARIES: Summaries = {
  holdSeats: ({ items, eventId }) => `hold ${seats(items)} of ${eventId}`,
  releaseSeats: ({ items }) => `release ${seats(items)}`,
  sellSeats: ({ items }) => `sell the ${seats(items)} held`,
  issueTickets: ({ items }) => `issue tickets for ${seats(items)}`,
  loadCheckout: () => 'load the order',
  recordOrder: () => 'record the order',
  moveOrder: ({ status }) => `order → ${status}`,
  recordPayment: ({ patch }) => `record the payment${patch.status ? ` (${patch.status})` : ''}`,
  noteEvent: ({ state }) => `note an event for operators (${state})`,
  recordOperatorAction: ({ action, operator }) => `record ${action} by ${operator}`,
  startPayment: ({ provider, method, amount, currency }) => `open ${providerName(provider)} ${method.replace(/_/g, ' ')} payment of ${money(amount, currency)}`,
  lookupPayment: ({ provider, paymentId }) => `ask ${providerName(provider)} about ${paymentId ? `payment ${paymentId}` : 'the payment'}`,
  confirmSignedPayment: ({ provider }) => `book the signed payment at ${providerName(provider)}`,
  capturePayment: ({ provider, amount: value, currency }) => `capture ${amount(value, currency)} at ${providerName(provider)}`,
  voidPayment: ({ provider }) => `void the payment at ${providerName(provider)}`,
  closePayment: ({ provider }) => `close ${providerName(provider)}'s payment page`,
  refundPayment: ({ provider, amount: value, currency }) => `refund ${amount(value, currency)} through ${providerName(provider)}`,
  sendEmail: ({ kind, resend }) => `mail ${kind}${resend ? ' again (operator)' : ''}`,
};
