/**
 * Who pays decides what happens, as in Resurs Bank's test environment, where outcomes are tied
 * to test persons (docs/testing/test-data---sweden.md). Four of ours are Resurs' own Swedish test
 * persons: Vincent (accepted there, BOOKED here), Oliver (rejected there, DENIED here), Julia
 * (frozen there, FROZEN here) and Olivia (accepted there; here she must sign first, where Resurs
 * asks for signing by payment method). The finalizing person is the sandbox's own (Resurs
 * finalizes at once on finalizeIfBooked, which the sandbox also honours for everyone).
 * Any other government id books normally (BOOKED).
 */
import type { BookPaymentStatus } from '../../providers/resurs/types';

export type TestOutcome = BookPaymentStatus;

export interface TestPerson {
  governmentId: string;
  outcome: TestOutcome;
  name: string;
  address: { addressRow1: string; postalCode: string; postalArea: string; country: 'SE' };
  description: string;
}

export const RESURS_TEST_PERSONS: Readonly<Record<TestOutcome, TestPerson>> = {
  BOOKED: {
    governmentId: '198305147715',
    outcome: 'BOOKED',
    name: 'Vincent Williamsson Alexandersson',
    address: { addressRow1: 'Glassgatan 15', postalCode: '41655', postalArea: 'Göteborg', country: 'SE' },
    description: 'Booked at once; the shop finalizes it (FINALIZED at once with finalizeIfBooked). Resurs: accepted.',
  },
  FINALIZED: {
    governmentId: '199001012385',
    outcome: 'FINALIZED',
    name: 'Freja Finalsson',
    address: { addressRow1: 'Testgatan 1', postalCode: '25220', postalArea: 'Helsingborg', country: 'SE' },
    description: 'Booked and debited at once, as if finalizeIfBooked were set (sandbox-only person).',
  },
  SIGNING: {
    governmentId: '198801082382',
    outcome: 'SIGNING',
    name: 'Olivia Williamsson Alexandersson',
    address: { addressRow1: 'Ekslingan 10', postalCode: '21149', postalArea: 'Malmö', country: 'SE' },
    description:
      'Must sign first (signingUrl); after signing, bookSignedPayment answers BOOKED (FINALIZED with finalizeIfBooked). Resurs: accepted; signing there depends on the payment method.',
  },
  FROZEN: {
    governmentId: '198209123705',
    outcome: 'FROZEN',
    name: 'Julia Liamsson Liamsson',
    address: { addressRow1: 'Makadamg 17', postalCode: '25024', postalArea: 'Helsingborg', country: 'SE' },
    description:
      'Booked but frozen for fraud review (AUTOMATIC_FRAUD_CONTROL FROZEN); the operator page thaws, unfreezes or annuls it. Resurs: frozen.',
  },
  DENIED: {
    governmentId: '197211072793',
    outcome: 'DENIED',
    name: 'Oliver Williamsson Alexandersson',
    address: { addressRow1: 'Makadamg 5', postalCode: '25024', postalArea: 'Helsingborg', country: 'SE' },
    description: 'Credit denied: no payment is created, the same preferredId may be booked again. Resurs: rejected.',
  },
};

/** The test person with this government id (12 or 10 digits, dashes ignored), if any. */
export function testPerson(governmentId: string | undefined | null): TestPerson | undefined {
  const digits = String(governmentId ?? '').replace(/[^0-9]/g, '');
  if (!digits) return undefined;
  return Object.values(RESURS_TEST_PERSONS).find((p) => p.governmentId === digits || p.governmentId.slice(2) === digits);
}

export interface SandboxPaymentMethod {
  id: string;
  description: string;
  type: 'INVOICE' | 'REVOLVING_CREDIT' | 'CARD';
  specificType: string;
  minLimit: number;
  maxLimit: number;
  customerType: Array<'NATURAL' | 'LEGAL'>;
}

/** The sandbox merchant's payment methods (ids and types as in Resurs' getPaymentMethods example). */
export const PAYMENT_METHODS: readonly SandboxPaymentMethod[] = [
  { id: 'INVOICE', description: 'Faktura', type: 'INVOICE', specificType: 'INVOICE', minLimit: 10, maxLimit: 50_000, customerType: ['NATURAL', 'LEGAL'] },
  {
    id: 'PARTPAYMENT',
    description: 'Delbetalning',
    type: 'REVOLVING_CREDIT',
    specificType: 'PART_PAYMENT',
    minLimit: 10,
    maxLimit: 50_000,
    customerType: ['NATURAL'],
  },
  { id: 'CARD', description: 'Kortköp', type: 'CARD', specificType: 'CARD', minLimit: 0, maxLimit: 100_000, customerType: ['NATURAL', 'LEGAL'] },
];

export function paymentMethod(id: string | undefined): SandboxPaymentMethod | undefined {
  return PAYMENT_METHODS.find((m) => m.id === id);
}
