/** Workflow ids are built from business ids here and nowhere else. */
export const CHECKOUT_WORKFLOW_PREFIX = 'checkout-';

export function checkoutWorkflowId(orderId: string): string {
  return `${CHECKOUT_WORKFLOW_PREFIX}${orderId}`;
}

export function orderIdFromWorkflowId(workflowId: string): string | null {
  return workflowId.startsWith(CHECKOUT_WORKFLOW_PREFIX) ? workflowId.slice(CHECKOUT_WORKFLOW_PREFIX.length) : null;
}
