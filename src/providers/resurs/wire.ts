/**
 * Between our shapes and the objects npm `soap` writes and reads. Writing: elements in the
 * order Resurs' schema gives them (soap keeps the object's key order). Reading: soap hands back
 * strings for most leaves, a lone repeated element as an object, `xsi:nil` as an attributes
 * object; these helpers smooth that over.
 */
import {
  BOOK_PAYMENT_STATUSES,
  type BookPaymentArgs,
  type BookPaymentResult,
  type BookPaymentStatus,
  type ResursAddress,
  type ResursCustomer,
  type ResursPayment,
  type ResursPaymentMethod,
  type ResursSpecLine,
} from './types';

// ---------------------------------------------------------------- reading

/** A text leaf: strings as they are, numbers/booleans stringified, dates (xsd:dateTime) as ISO, nil / objects / absent → undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Object.prototype.toString.call(value) === '[object Date]') {
    const date = value as Date;
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function num(value: unknown): number | undefined {
  const t = text(value);
  if (t === undefined || t.trim() === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  return undefined;
}

/** A repeated element as an array (absent → [], one → [it]). */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function obj(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function mapEntries(value: unknown): Array<{ key: string; value: string }> {
  return list(value)
    .map(obj)
    .filter((e) => text(e.key) !== undefined)
    .map((e) => ({ key: text(e.key) as string, value: text(e.value) ?? '' }));
}

export class WireError extends Error {}

export function toBookPaymentResult(body: unknown): BookPaymentResult {
  const r = obj(obj(body).return);
  const paymentId = text(r.paymentId);
  const status = text(r.bookPaymentStatus) as BookPaymentStatus | undefined;
  if (!paymentId) throw new WireError('bookPaymentResult has no paymentId');
  if (!status || !BOOK_PAYMENT_STATUSES.includes(status)) throw new WireError(`unknown bookPaymentStatus ${JSON.stringify(status)}`);
  const result: BookPaymentResult = { paymentId, bookPaymentStatus: status };
  const signingUrl = text(r.signingUrl);
  if (signingUrl) result.signingUrl = signingUrl;
  const approved = num(r.approvedAmount);
  if (approved !== undefined) result.approvedAmount = approved;
  if (r.customer && typeof r.customer === 'object') result.customer = r.customer;
  return result;
}

export function toResursPayment(body: unknown): ResursPayment {
  const p = obj(obj(body).return);
  const id = text(p.id);
  if (!id) throw new WireError('payment has no id');
  const payment: ResursPayment = {
    id,
    totalAmount: num(p.totalAmount) ?? 0,
    frozen: bool(p.frozen) ?? false,
    fraud: bool(p.fraud) ?? false,
    status: list(p.status).map(text).filter((s): s is string => !!s),
    paymentDiffs: list(p.paymentDiffs).map((d) => {
      const diff = obj(d);
      const entry: ResursPayment['paymentDiffs'][number] = { type: text(diff.type) ?? '' };
      const amount = num(obj(diff.paymentSpec).totalAmount);
      if (amount !== undefined) entry.amount = amount;
      const created = text(diff.created);
      if (created) entry.created = created;
      const transactionId = text(diff.transactionId);
      if (transactionId) entry.transactionId = transactionId;
      return entry;
    }),
  };
  const metaData = mapEntries(p.metaData);
  if (metaData.length) payment.metaData = metaData;
  const methodId = text(p.paymentMethodId);
  if (methodId) payment.paymentMethodId = methodId;
  const limit = num(p.limit);
  if (limit !== undefined) payment.limit = limit;
  const booked = text(p.booked);
  if (booked) payment.booked = booked;
  const finalized = text(p.finalized);
  if (finalized) payment.finalized = finalized;
  return payment;
}

export function toPaymentMethods(body: unknown): ResursPaymentMethod[] {
  return list(obj(body).return).map((m) => {
    const raw = obj(m);
    const method: ResursPaymentMethod = { id: text(raw.id) ?? '', description: text(raw.description) ?? '' };
    const type = text(raw.type);
    if (type) method.type = type;
    const specificType = text(raw.specificType);
    if (specificType) method.specificType = specificType;
    const min = num(raw.minLimit);
    if (min !== undefined) method.minLimit = min;
    const max = num(raw.maxLimit);
    if (max !== undefined) method.maxLimit = max;
    const customerTypes = list(raw.customerType).map(text).filter((s): s is string => !!s);
    if (customerTypes.length) method.customerType = customerTypes;
    return method;
  });
}

// ---------------------------------------------------------------- writing

function wireAddress(a: ResursAddress) {
  return {
    fullName: a.fullName,
    firstName: a.firstName,
    lastName: a.lastName,
    addressRow1: a.addressRow1,
    ...(a.addressRow2 ? { addressRow2: a.addressRow2 } : {}),
    postalArea: a.postalArea,
    postalCode: a.postalCode,
    country: a.country,
  };
}

function wireCustomer(c: ResursCustomer) {
  return {
    governmentId: c.governmentId,
    address: wireAddress(c.address),
    ...(c.phone ? { phone: c.phone } : {}),
    email: c.email,
    type: c.type,
    ...(c.cellPhone ? { cellPhone: c.cellPhone } : {}),
  };
}

export function wireSpecLine(l: ResursSpecLine) {
  return {
    id: l.id,
    artNo: l.artNo,
    description: l.description,
    quantity: l.quantity,
    unitMeasure: l.unitMeasure,
    unitAmountWithoutVat: l.unitAmountWithoutVat,
    vatPct: l.vatPct,
    totalVatAmount: l.totalVatAmount,
    totalAmount: l.totalAmount,
  };
}

/** A paymentSpec: lines (optional after booking), total, and the VAT total when there are lines. */
export function wirePaymentSpec(spec: { specLines?: ResursSpecLine[]; totalAmount: number; totalVatAmount?: number }) {
  return {
    ...(spec.specLines?.length ? { specLines: spec.specLines.map(wireSpecLine) } : {}),
    totalAmount: spec.totalAmount,
    ...(spec.totalVatAmount !== undefined ? { totalVatAmount: spec.totalVatAmount } : {}),
  };
}

export function wireBookPayment(args: BookPaymentArgs) {
  const d = args.paymentData;
  return {
    paymentData: {
      preferredId: d.preferredId,
      ...(d.preferredTransactionId ? { preferredTransactionId: d.preferredTransactionId } : {}),
      paymentMethodId: d.paymentMethodId,
      customerIpAddress: d.customerIpAddress,
      waitForFraudControl: d.waitForFraudControl,
      annulIfFrozen: d.annulIfFrozen,
      finalizeIfBooked: d.finalizeIfBooked,
    },
    orderData: wirePaymentSpec(args.orderData),
    ...(args.metaData?.length ? { metaData: args.metaData.map((m) => ({ key: m.key, value: m.value })) } : {}),
    customer: wireCustomer(args.customer),
    signing: {
      successUrl: args.signing.successUrl,
      failUrl: args.signing.failUrl,
      ...(args.signing.forceSigning !== undefined ? { forceSigning: args.signing.forceSigning } : {}),
    },
  };
}
