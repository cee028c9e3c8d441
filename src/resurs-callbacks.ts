/**
 * `npm run resurs:callbacks`: registers this service's callback URLs with a real Resurs Bank
 * account (RESURS_API_URL, RESURS_USERNAME, RESURS_PASSWORD, RESURS_CALLBACK_SALT, PUBLIC_URL),
 * one per callback type, with the salt Resurs signs their digests with.
 */
import { loadConfig, ConfigError } from './config';
import { registerCallbacks } from './providers/resurs/callbacks';
import { ResursClient } from './providers/resurs/client';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.resurs.enabled) throw new ConfigError('Resurs Bank is not enabled: set RESURS_API_URL and its credentials');
  const client = new ResursClient({ apiUrl: config.resurs.apiUrl, username: config.resurs.username, password: config.resurs.password });
  for (const [type, url] of await registerCallbacks(client, config.publicUrl, config.resurs.callbackSalt)) console.log(`${type.padEnd(24)} ${url}`);
}

main().catch((err: unknown) => {
  console.error(`resurs:callbacks failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
