/** The callback URLs Resurs Bank calls, as templates with its `{paymentId}`, `{result}`, `{digest}` placeholders. */
import type { ResursCallbackType } from './client';

export const RESURS_CALLBACK_TYPES: readonly ResursCallbackType[] = ['UNFREEZE', 'ANNULMENT', 'AUTOMATIC_FRAUD_CONTROL', 'FINALIZATION', 'BOOKED', 'UPDATE', 'TEST'];

export function resursCallbackUrl(publicUrl: string, type: ResursCallbackType): string {
  const params = type === 'TEST' ? 'param1={param1}&param2={param2}&param3={param3}&param4={param4}&param5={param5}' : `paymentId={paymentId}${type === 'AUTOMATIC_FRAUD_CONTROL' ? '&result={result}' : ''}`;
  return `${publicUrl}/webhooks/resurs/${type}?${params}&digest={digest}`;
}
