import { ApplicationFailure } from '@temporalio/activity';
import type { CheckoutInput, HistoryEntry, OrderStatus, PaymentView, Ticket } from '../src/domain/checkout';
import { STATUS_CODE, predecessorsOf } from '../src/domain/checkout';
import type { InboxState, OperatorActionRecord } from '../src/db/schema';
import { checkoutWorkflowId, ORDER_NOT_FOUND } from '../src/temporal/messages';
import type { ActivityDeps } from './deps';

export interface MoveOrder {
  orderId: string;
  status: OrderStatus;
  reason: string;
  /** Workflow time of the transition, so a retried write records the same moment. */
  at: string;
  tickets?: Ticket[];
}

/** Fields of the order's payment to set; `null` clears one (a pending state that ended). */
export type PaymentPatch = { [key in keyof PaymentView]?: PaymentView[key] | null } & { paymentId?: string | null; [pendingKind: string]: unknown };

/** What a later workflow run needs to pick an order up again. */
export interface CheckoutSnapshot {
  input: CheckoutInput;
  status: OrderStatus;
  history: HistoryEntry[];
  reference: string | null;
  paymentId: string | null;
}

export function createOrderActivities({ store, metrics }: ActivityDeps) {
  return {
    async loadCheckout({ orderId }: { orderId: string }): Promise<CheckoutSnapshot> {
      const order = await store.orders.findOne({ _id: orderId });
      if (!order) throw ApplicationFailure.nonRetryable(`order ${orderId} not found`, ORDER_NOT_FOUND);
      const { provider, method, flow } = order.payment;
      return {
        input: {
          orderId,
          requestHash: order.requestHash,
          eventId: order.eventId,
          eventTitle: '',
          items: order.items,
          amount: order.amount,
          currency: order.currency,
          customer: order.customer,
          payment: { provider, method, ...(flow ? { flow } : {}) },
          checkoutTimeoutMs: 0,
          clientSecret: order.clientSecret,
        },
        status: order.status,
        history: order.history,
        reference: order.payment.reference,
        paymentId: order.payment.paymentId,
      };
    },

    /** The order as `pending`, written once: a retry finds it and changes nothing. */
    async recordOrder({ input, at }: { input: CheckoutInput; at: string }): Promise<void> {
      const created = new Date(at);
      const entry: HistoryEntry = { at, status: 'pending', reason: 'seats held' };
      const written = await store.orders.updateOne(
        { _id: input.orderId },
        {
          $setOnInsert: {
            requestHash: input.requestHash,
            workflowId: checkoutWorkflowId(input.orderId),
            eventId: input.eventId,
            items: input.items,
            amount: input.amount,
            currency: input.currency,
            customer: input.customer,
            clientSecret: input.clientSecret,
            payment: { ...input.payment, reference: null, paymentId: null, status: 'open' },
            status: 'pending',
            statusCode: STATUS_CODE.pending,
            history: [entry],
            createdAt: created,
            updatedAt: created,
          },
        },
        { upsert: true },
      );
      // Counted by the write that created it, so a retried activity counts nothing more.
      if (written.upsertedCount === 1) metrics?.orders.inc({ status: 'pending', provider: input.payment.provider, method: input.payment.method });
    },

    /** Moves the order forward; a move the order has already made (or passed) is a no-op. */
    async moveOrder({ orderId, status, reason, at, tickets }: MoveOrder): Promise<{ moved: boolean }> {
      const entry: HistoryEntry = { at, status, reason };
      // A status never precedes itself: a match is a change, made (and counted) by this call only.
      const moved = await store.orders.findOneAndUpdate(
        { _id: orderId, status: { $in: predecessorsOf(status) } },
        {
          $set: { status, statusCode: STATUS_CODE[status], updatedAt: new Date(at), ...(tickets ? { tickets } : {}) },
          $push: { history: entry },
        },
      ); // no projection: FerretDB's findAndModify does not take one
      if (moved) metrics?.orders.inc({ status, provider: moved.payment.provider, method: moved.payment.method });
      return { moved: moved !== null };
    },

    async recordPayment({ orderId, patch }: { orderId: string; patch: PaymentPatch }): Promise<void> {
      const set = Object.fromEntries(Object.entries(patch).map(([key, value]) => [`payment.${key}`, value ?? null]));
      await store.orders.updateOne({ _id: orderId }, { $set: set });
    },

    /** Keeps an operator's accepted action on the order, once per request (its update id). */
    async recordOperatorAction({ orderId, ...action }: { orderId: string } & OperatorActionRecord): Promise<void> {
      await store.orders.updateOne({ _id: orderId, 'operations.id': { $ne: action.id } }, { $push: { operations: action } });
    },

    /**
     * Keeps for operators what the checkout could not use: an event whose payment belongs to
     * another order, or one the provider would not confirm (retried by the relay later).
     */
    async noteEvent({ orderId, eventId, state, note, at }: { orderId: string; eventId?: string; state: Extract<InboxState, 'mismatched' | 'refused'>; note: string; at: string }): Promise<void> {
      if (state === 'refused') await store.orders.updateOne({ _id: orderId }, { $set: { 'payment.lastRefusal': { at, message: note } } });
      if (!eventId) return;
      const retry = state === 'refused' ? { dueAt: new Date(Date.parse(at) + REFUSED_RETRY_MS) } : {};
      await store.inbox.updateOne({ _id: eventId }, { $set: { state, note, ...retry } });
    },
  };
}

/** A refused event is offered to its checkout again after this long (the provider may answer then). */
export const REFUSED_RETRY_MS = 10 * 60_000;
