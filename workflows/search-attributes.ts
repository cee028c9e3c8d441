/** Custom search attributes operators filter on. Never personal data here. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CheckoutStatus = defineSearchAttributeKey('CheckoutStatus', SearchAttributeType.KEYWORD);
export const PaymentProvider = defineSearchAttributeKey('PaymentProvider', SearchAttributeType.KEYWORD);
export const PaymentMethod = defineSearchAttributeKey('PaymentMethod', SearchAttributeType.KEYWORD);
export const EventId = defineSearchAttributeKey('EventId', SearchAttributeType.KEYWORD);
export const PaymentDeadline = defineSearchAttributeKey('PaymentDeadline', SearchAttributeType.DATETIME);

/** Names and types, for registering them on a server. */
export const SEARCH_ATTRIBUTES = {
  CheckoutStatus: 'Keyword',
  PaymentProvider: 'Keyword',
  PaymentMethod: 'Keyword',
  EventId: 'Keyword',
  PaymentDeadline: 'Datetime',
} as const;
