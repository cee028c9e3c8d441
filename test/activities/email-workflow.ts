/** Test-only workflow: one sendEmail through the production `mail` proxy and its real options. */
import type { EmailKind } from '../../activities/email';
import { mail } from '../../workflows/proxies';

export async function sendOneEmail(args: { orderId: string; kind: EmailKind }): Promise<{ sent: boolean }> {
  return mail.sendEmail(args);
}
