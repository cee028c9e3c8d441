import { Client, Connection, WorkflowNotFoundError, WorkflowUpdateFailedError, WithStartWorkflowOperation } from '@temporalio/client';
import type { PayloadCodec, UpdateDefinition } from '@temporalio/common';
import type { CheckoutInput } from '../domain/checkout';
import type { ActionResult, OperatorAction, OrderFacts } from '../domain/operations';
import { checkoutDetails, checkoutSummary } from '../domain/story';
import type { checkout } from '../../workflows/checkout';
import type { operateClosedCheckout, settleLatePayment } from '../../workflows/late-payment';
import { checkoutWorkflowId, openCheckoutUpdate, operatorUpdates, paymentSignals, type OpenedCheckoutReply, type PaymentEvent, type PaymentEventKind } from './messages';

/** A client whose payloads go through `codec` (the payload encryption), when given. */
export async function connectTemporal(address: string, namespace: string, codec?: PayloadCodec): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace, dataConverter: { payloadCodecs: codec ? [codec] : [] } });
}

/** The API's door to checkout workflows: one connection per process, never per request. */
export class Checkouts {
  constructor(
    readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Starts the checkout (or joins the running one) and waits for the provider's redirect. */
  async open(input: CheckoutInput): Promise<OpenedCheckoutReply> {
    const start = new WithStartWorkflowOperation<typeof checkout>('checkout', {
      workflowId: checkoutWorkflowId(input.orderId),
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: checkoutSummary(input),
      staticDetails: checkoutDetails(input),
    });
    return this.client.workflow.executeUpdateWithStart(openCheckoutUpdate, {
      args: [input.requestHash],
      startWorkflowOperation: start,
    });
  }

  /**
   * Delivers a payment event to the order's checkout. Money that arrives after the checkout
   * closed starts a settlement run under the same workflow id instead of being dropped; any
   * other event for a closed checkout is answered false (nothing left to move).
   */
  async notify(orderId: string, kind: PaymentEventKind, event: PaymentEvent): Promise<boolean> {
    const workflowId = checkoutWorkflowId(orderId);
    try {
      await this.client.workflow.getHandle(workflowId).signal(paymentSignals[kind], event);
      return true;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      if (kind !== 'captured') return false;
    }
    await this.client.workflow.signalWithStart<typeof settleLatePayment, [PaymentEvent]>('settleLatePayment', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [orderId],
      signal: paymentSignals.captured,
      signalArgs: [event],
      staticSummary: `${orderId} · late payment (${event.source})`,
    });
    return true;
  }

  /**
   * An operator's request, as an update to the order's running checkout; when none runs, to a
   * new run under the same workflow id (update-with-start). `closedFacts` is what the order's
   * record says, for that new run's validator. Rejections and failures come back as
   * `WorkflowUpdateFailedError`.
   */
  async operate(orderId: string, action: OperatorAction, closedFacts: () => Promise<OrderFacts>): Promise<ActionResult> {
    const workflowId = checkoutWorkflowId(orderId);
    const update = operatorUpdates[action.action] as UpdateDefinition<ActionResult, [OperatorAction]>;
    if (await this.isRunning(workflowId)) {
      try {
        return await this.client.workflow.getHandle(workflowId).executeUpdate(update, { args: [action] });
      } catch (err) {
        // A run that ended before it took the request: a new run takes it below.
        if (err instanceof WorkflowUpdateFailedError || (await this.isRunning(workflowId))) throw err;
      }
    }
    const facts = await closedFacts();
    const start = new WithStartWorkflowOperation<typeof operateClosedCheckout>('operateClosedCheckout', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [facts],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `${orderId} · operator: ${action.action}`,
    });
    return this.client.workflow.executeUpdateWithStart(update, { args: [action], startWorkflowOperation: start });
  }

  private async isRunning(workflowId: string): Promise<boolean> {
    try {
      return (await this.client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  async ping(): Promise<void> {
    await this.client.connection.workflowService.getSystemInfo({});
  }
}
