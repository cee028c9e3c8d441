import type { ResursSpecLine } from '../../providers/resurs/types';
import { bool, list, mapEntries, num, obj, text } from '../../providers/resurs/wire';
import type { PartSpec } from './aftershop';
import type { BookingInput, BookResult } from './booking';
import { paymentMethod } from './persons';
import { amounts, type CustomerDoc, type PaymentDoc, paymentStatuses, type WireAddress } from './store';

/** The sandbox side of the wire: SOAP arguments in (every leaf a string), answer objects out. */

export function readSpecLines(value: unknown): ResursSpecLine[] {
  return list(value).map((l) => {
    const line = obj(l);
    return {
      id: text(line.id) ?? '',
      artNo: text(line.artNo) ?? '',
      description: text(line.description) ?? '',
      quantity: num(line.quantity) ?? 0,
      unitMeasure: text(line.unitMeasure) ?? '',
      unitAmountWithoutVat: num(line.unitAmountWithoutVat) ?? 0,
      vatPct: num(line.vatPct) ?? 0,
      totalVatAmount: num(line.totalVatAmount) ?? 0,
      totalAmount: num(line.totalAmount) ?? 0,
    };
  });
}

export function readAddress(value: unknown): WireAddress {
  const a = obj(value);
  const out: WireAddress = {
    addressRow1: text(a.addressRow1) ?? '',
    postalArea: text(a.postalArea) ?? '',
    postalCode: text(a.postalCode) ?? '',
    country: text(a.country) ?? text(a.countryCode) ?? '',
  };
  for (const key of ['fullName', 'firstName', 'lastName', 'addressRow2'] as const) {
    const v = text(a[key]);
    if (v) out[key] = v;
  }
  return out;
}

export function readCustomer(value: unknown): CustomerDoc {
  const c = obj(value);
  return {
    governmentId: text(c.governmentId) || null,
    address: readAddress(c.address),
    phone: text(c.phone) || null,
    cellPhone: text(c.cellPhone) || null,
    email: text(c.email) || null,
    type: text(c.type) === 'LEGAL' ? 'LEGAL' : 'NATURAL',
  };
}

/** bookPayment's arguments (and, with other keys, the hosted flow's payload). */
export function readBooking(args: Record<string, unknown>, lineKey: 'specLines' | 'orderLines' = 'specLines'): Omit<BookingInput, 'flow' | 'hostedSessionId' | 'successUrl' | 'failUrl' | 'backUrl'> {
  const d = obj(args.paymentData);
  const o = obj(args.orderData);
  const lines = readSpecLines(o[lineKey] ?? o.specLines).map((l, i) => ({ ...l, id: l.id || String(i + 1) }));
  return {
    preferredId: text(d.preferredId) || null,
    paymentMethodId: text(d.paymentMethodId) ?? '',
    customerIpAddress: text(d.customerIpAddress) ?? '',
    orderData: { specLines: lines, totalAmount: num(o.totalAmount) ?? 0, totalVatAmount: num(o.totalVatAmount) ?? null },
    metaData: mapEntries(args.metaData),
    customer: readCustomer(args.customer),
    options: {
      waitForFraudControl: bool(d.waitForFraudControl) ?? true,
      annulIfFrozen: bool(d.annulIfFrozen) ?? false,
      finalizeIfBooked: bool(d.finalizeIfBooked) ?? false,
      forceSigning: bool(obj(args.signing).forceSigning) ?? false,
      preferredTransactionId: text(d.preferredTransactionId) || null,
    },
  };
}

export function readPartSpec(args: Record<string, unknown>): PartSpec {
  const spec = obj(args.partPaymentSpec ?? args.paymentSpec);
  return {
    transactionId: text(args.preferredTransactionId) || null,
    totalAmount: num(spec.totalAmount) ?? null,
    totalVatAmount: num(spec.totalVatAmount) ?? null,
    specLines: readSpecLines(spec.specLines),
    createdBy: text(args.createdBy) || null,
  };
}

function wireAddress(a: WireAddress) {
  return {
    ...(a.fullName ? { fullName: a.fullName } : {}),
    ...(a.firstName ? { firstName: a.firstName } : {}),
    ...(a.lastName ? { lastName: a.lastName } : {}),
    addressRow1: a.addressRow1,
    ...(a.addressRow2 ? { addressRow2: a.addressRow2 } : {}),
    postalArea: a.postalArea,
    postalCode: a.postalCode,
    country: a.country,
  };
}

function wireCustomer(c: CustomerDoc) {
  return {
    ...(c.governmentId ? { governmentId: c.governmentId } : {}),
    address: wireAddress(c.address),
    ...(c.phone ? { phone: c.phone } : {}),
    ...(c.email ? { email: c.email } : {}),
    type: c.type,
  };
}

export function wireBookResult(r: BookResult) {
  return {
    return: {
      paymentId: r.paymentId,
      bookPaymentStatus: r.bookPaymentStatus,
      ...(r.signingUrl ? { signingUrl: r.signingUrl } : {}),
      approvedAmount: r.approvedAmount,
      customer: wireCustomer(r.customer),
    },
  };
}

function wireSpec(spec: { specLines: ResursSpecLine[]; totalAmount: number; totalVatAmount: number | null }) {
  return {
    ...(spec.specLines.length ? { specLines: spec.specLines } : {}),
    totalAmount: spec.totalAmount,
    ...(spec.totalVatAmount !== null ? { totalVatAmount: spec.totalVatAmount } : {}),
  };
}

/** getPayment's `return` (element order as Resurs' payment type). */
export function wirePayment(doc: PaymentDoc) {
  const method = paymentMethod(doc.paymentMethodId);
  return {
    id: doc._id,
    totalAmount: amounts(doc).total,
    ...(doc.metaData.length ? { metaData: doc.metaData } : {}),
    limit: doc.orderData.totalAmount,
    ...(doc.diffs.length
      ? {
          paymentDiffs: doc.diffs.map((d) => ({
            type: d.type,
            ...(d.transactionId ? { transactionId: d.transactionId } : {}),
            created: d.created.toISOString(),
            ...(d.createdBy ? { createdBy: d.createdBy } : {}),
            paymentSpec: wireSpec(d),
          })),
        }
      : {}),
    customer: wireCustomer(doc.customer),
    booked: (doc.bookedAt ?? doc.createdAt).toISOString(),
    ...(doc.finalizedAt ? { finalized: doc.finalizedAt.toISOString() } : {}),
    paymentMethodId: doc.paymentMethodId,
    paymentMethodName: method?.description ?? doc.paymentMethodId,
    fraud: doc.fraud,
    frozen: doc.frozen,
    ...(paymentStatuses(doc).length ? { status: paymentStatuses(doc) } : {}),
    paymentMethodType: method?.type ?? 'INVOICE',
    totalBonusPoints: 0,
  };
}
