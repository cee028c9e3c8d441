import { Client, Connection, WorkflowNotFoundError, WithStartWorkflowOperation } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { CheckoutInput } from '../domain/checkout';
import type { checkout } from '../../workflows/checkout';
import type { settleLatePayment } from '../../workflows/late-payment';
import { openCheckoutUpdate, paymentSignals, type OpenedCheckoutReply, type PaymentEvent, type PaymentEventKind } from './messages';
import { checkoutWorkflowId } from './messages';

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
    });
    return true;
  }

  async ping(): Promise<void> {
    await this.client.connection.workflowService.getSystemInfo({});
  }
}
