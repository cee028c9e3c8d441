/**
 * The checkout's custom search attributes on a Temporal cluster: what is registered, and
 * registering what is missing (the embedded dev server registers them itself at start).
 */
import type { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

// temporal.api.enums.v1.IndexedValueType numbers, spelled as the CLI's --search-attribute wants them.
const INDEXED_VALUE_TYPES: Record<number, string> = {
  1: 'Text',
  2: 'Keyword',
  3: 'Int',
  4: 'Double',
  5: 'Bool',
  6: 'Datetime',
  7: 'KeywordList',
};
const TYPE_NUMBERS = Object.fromEntries(Object.entries(INDEXED_VALUE_TYPES).map(([number, name]) => [name, Number(number)]));

export const SEARCH_ATTRIBUTE_NAMES = Object.keys(SEARCH_ATTRIBUTES) as (keyof typeof SEARCH_ATTRIBUTES)[];

/** The custom search attributes the namespace has, name → type ('Keyword', 'Datetime', ...). */
export async function listCustomSearchAttributes(connection: Connection, namespace: string): Promise<Record<string, string>> {
  const res = await connection.operatorService.listSearchAttributes({ namespace });
  const out: Record<string, string> = {};
  for (const [name, type] of Object.entries(res.customAttributes ?? {})) {
    out[name] = INDEXED_VALUE_TYPES[Number(type)] ?? `unknown(${type})`;
  }
  return out;
}

/**
 * Registers the attributes the namespace lacks; one already there with another type is an error
 * (renaming is an operator's decision, not ours). Safe to run again.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<{ added: string[]; present: string[] }> {
  const registered = await listCustomSearchAttributes(connection, namespace);
  const clashes = SEARCH_ATTRIBUTE_NAMES.filter((name) => registered[name] && registered[name] !== SEARCH_ATTRIBUTES[name]);
  if (clashes.length > 0) throw new Error(`already registered with another type: ${clashes.map((name) => `${name} is ${registered[name]}, not ${SEARCH_ATTRIBUTES[name]}`).join('; ')}`);
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => !registered[name]);
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, TYPE_NUMBERS[SEARCH_ATTRIBUTES[name]]])) });
  }
  return { added: missing, present: SEARCH_ATTRIBUTE_NAMES.filter((name) => registered[name]) };
}

/**
 * The queries operators need most (README, "Operating"), for the Temporal UI's filter or
 * `temporal workflow list --query`; times are absolute, as visibility queries want them.
 */
export const OPERATOR_QUERIES = (inAnHour: string, dayAgo: string) => [
  // konbini slips due in the next hour
  `CheckoutStatus = "awaiting_payment" AND PaymentMethod = "konbini" AND PaymentDeadline < "${inAnHour}"`,
  // orders needing a refund by hand
  `CheckoutStatus = "refund_required"`,
  // under review at Resurs Bank for more than a day
  `CheckoutStatus = "awaiting_payment" AND PaymentProvider = "resurs" AND StartTime < "${dayAgo}"`,
];
