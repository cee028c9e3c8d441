/** The callback URLs Resurs Bank calls, as templates with its `{paymentId}`, `{result}`, `{digest}` placeholders. */
import type { ResursCallbackType, ResursClient } from './client';

export const RESURS_CALLBACK_TYPES: readonly ResursCallbackType[] = ['UNFREEZE', 'ANNULMENT', 'AUTOMATIC_FRAUD_CONTROL', 'FINALIZATION', 'BOOKED', 'UPDATE', 'TEST'];

export function resursCallbackUrl(publicUrl: string, type: ResursCallbackType): string {
  const params = type === 'TEST' ? 'param1={param1}&param2={param2}&param3={param3}&param4={param4}&param5={param5}' : `paymentId={paymentId}${type === 'AUTOMATIC_FRAUD_CONTROL' ? '&result={result}' : ''}`;
  return `${publicUrl}/webhooks/resurs/${type}?${params}&digest={digest}`;
}

/** Registers every callback type at `publicUrl`, digests salted with `salt`; answers what was registered. */
export async function registerCallbacks(client: ResursClient, publicUrl: string, salt: string): Promise<Array<[ResursCallbackType, string]>> {
  const registered: Array<[ResursCallbackType, string]> = [];
  for (const type of RESURS_CALLBACK_TYPES) {
    const url = resursCallbackUrl(publicUrl, type);
    await client.registerEventCallback(type, url, salt);
    registered.push([type, url]);
  }
  return registered;
}
