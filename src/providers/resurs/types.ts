/**
 * Resurs Bank's simplified-flow shapes as this service uses them (ResursClient's public API).
 * Field names are Resurs' own (docs/development/api-types/* in ResursBank/ResursBank.github.io);
 * amounts are decimal numbers in the payment's currency (e.g. 497.5 SEK), as on Resurs' wire.
 */

export type BookPaymentStatus = 'FINALIZED' | 'BOOKED' | 'FROZEN' | 'SIGNING' | 'DENIED';
export const BOOK_PAYMENT_STATUSES: readonly BookPaymentStatus[] = ['FINALIZED', 'BOOKED', 'FROZEN', 'SIGNING', 'DENIED'];

export interface ResursAddress {
  fullName: string;
  firstName: string;
  lastName: string;
  addressRow1: string;
  addressRow2?: string;
  postalArea: string;
  postalCode: string;
  /** SE, NO, DK or FI. */
  country: string;
}

export interface ResursCustomer {
  /** Personnummer / organisationsnummer (SE), CPR (DK), fødselsnummer (NO), henkilötunnus (FI). */
  governmentId: string;
  address: ResursAddress;
  phone?: string;
  cellPhone?: string;
  email: string;
  type: 'NATURAL' | 'LEGAL';
}

export interface ResursSpecLine {
  id: string;
  artNo: string;
  description: string;
  quantity: number;
  unitMeasure: string;
  unitAmountWithoutVat: number;
  vatPct: number;
  totalVatAmount: number;
  totalAmount: number;
}

export interface BookPaymentArgs {
  paymentData: {
    /** Becomes the payment id; unique per merchant. Resurs' `id` type: letters, digits, space, `._/-`. */
    preferredId: string;
    paymentMethodId: string;
    customerIpAddress: string;
    waitForFraudControl: boolean;
    annulIfFrozen: boolean;
    finalizeIfBooked: boolean;
    /** Only with finalizeIfBooked (Resurs: otherwise give it to finalizePayment). */
    preferredTransactionId?: string;
  };
  orderData: { specLines: ResursSpecLine[]; totalAmount: number; totalVatAmount: number };
  metaData?: Array<{ key: string; value: string }>;
  customer: ResursCustomer;
  /** Where the signing page sends the customer back. Must not contain `|`. */
  signing: { successUrl: string; failUrl: string; forceSigning?: boolean };
}

export interface BookPaymentResult {
  paymentId: string;
  bookPaymentStatus: BookPaymentStatus;
  /** With SIGNING: where to send the customer. */
  signingUrl?: string;
  approvedAmount?: number;
  customer?: unknown;
}

export type ResursPaymentDiffType = 'AUTHORIZE' | 'DEBIT' | 'CREDIT' | 'ANNUL';

export interface ResursPayment {
  id: string;
  /** Resurs: AUTHORIZE − ANNUL − CREDIT (0 once fully annulled or credited). */
  totalAmount: number;
  frozen: boolean;
  fraud: boolean;
  /** DEBITABLE, CREDITABLE, IS_DEBITED, IS_CREDITED, IS_ANNULLED. */
  status: string[];
  /** The payment's history: AUTHORIZE when booked, then DEBIT / ANNUL / CREDIT parts. */
  paymentDiffs: Array<{ type: string; amount?: number; created?: string; transactionId?: string }>;
  metaData?: Array<{ key: string; value: string }>;
  paymentMethodId?: string;
  /** Addition: the payment's limit, booking and latest finalization times as Resurs reports them. */
  limit?: number;
  booked?: string;
  finalized?: string;
}

export interface ResursPaymentMethod {
  id: string;
  description: string;
  type?: string;
  specificType?: string;
  minLimit?: number;
  maxLimit?: number;
  /** Addition: NATURAL and/or LEGAL. */
  customerType?: string[];
}

export type ResursCallbackType = 'UNFREEZE' | 'ANNULMENT' | 'AUTOMATIC_FRAUD_CONTROL' | 'FINALIZATION' | 'BOOKED' | 'UPDATE' | 'TEST';
export const RESURS_CALLBACK_TYPES: readonly ResursCallbackType[] = [
  'UNFREEZE',
  'ANNULMENT',
  'AUTOMATIC_FRAUD_CONTROL',
  'FINALIZATION',
  'BOOKED',
  'UPDATE',
  'TEST',
];

/** A hosted-flow order line: a spec line whose `id` Resurs numbers itself (EComPHP leaves it out). */
export type HostedFlowOrderLine = Omit<ResursSpecLine, 'id'> & { id?: string };

/**
 * The hosted flow's JSON body (EComPHP's createPayment for HOSTED_FLOW): the simplified payload,
 * with the signing URLs and the booking flags at the top level instead of in `signing` and
 * `paymentData`. (unconfirmed) field by field against Resurs' own hosted-flow documentation,
 * which is not in its public docs repository: `orderData.orderLines` (not `specLines`) and
 * `customer.address.countryCode` (beside `country`) are what EComPHP sends.
 */
export interface HostedFlowPayload {
  paymentData: { preferredId: string; paymentMethodId: string; customerIpAddress: string };
  orderData: { orderLines: HostedFlowOrderLine[]; totalAmount: number; totalVatAmount: number };
  /** The customer may choose who pays on Resurs' page, so governmentId is optional here. */
  customer: Omit<ResursCustomer, 'governmentId' | 'address'> & {
    governmentId?: string;
    address: ResursAddress & { countryCode?: string };
  };
  metaData?: Array<{ key: string; value: string }>;
  successUrl: string;
  failUrl: string;
  /** The customer left Resurs' page without paying; defaults to failUrl. */
  backUrl?: string;
  forceSigning?: boolean;
  waitForFraudControl: boolean;
  annulIfFrozen: boolean;
  finalizeIfBooked: boolean;
}

export interface HostedFlowStarted {
  /** Where to send the customer (Resurs: `.../hostedflow/customer-landing-page/{paymentSessionId}`). */
  location: string;
  paymentSessionId?: string;
}
