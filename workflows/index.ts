// The worker's workflow bundle entry: every workflow type the task queue runs.
export { checkout } from './checkout';
export { operateClosedCheckout, settleLatePayment } from './late-payment';
