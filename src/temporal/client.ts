import { Client, Connection, WorkflowNotFoundError, WithStartWorkflowOperation } from '@temporalio/client';
import type { CheckoutInput } from '../domain/checkout';
import type { checkout } from '../../workflows/checkout';
import { openCheckoutUpdate, paymentSignals, type OpenedCheckoutReply, type PaymentEvent, type PaymentEventKind } from '../../workflows/messages';
import { checkoutWorkflowId } from './ids';

export async function connectTemporal(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
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

  /** Delivers a payment event; false when no running checkout can take it (it has closed). */
  async notify(orderId: string, kind: PaymentEventKind, event: PaymentEvent): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(checkoutWorkflowId(orderId)).signal(paymentSignals[kind], event);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  async ping(): Promise<void> {
    await this.client.connection.workflowService.getSystemInfo({});
  }
}
