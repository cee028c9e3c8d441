import net from 'node:net';

/** Default ports of the embedded servers under `npm start`, the same as the real products use. */
export const DEFAULT_PORTS = {
  temporal: 7233,
  temporalUi: 8233,
  mongo: 27017,
  smtp: 1025,
} as const;

/** Asks the OS for a currently free TCP port on 127.0.0.1 (tests start servers on these). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on host:port yet (probed by binding it for a moment). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * Fails with one line naming what to set when a default port is taken, e.g. by a second
 * `npm start` or a real MongoDB: silently moving elsewhere would hide the conflict.
 */
export async function requireFreePort(port: number, what: string, envHint: string): Promise<number> {
  if (await isPortFree(port)) return port;
  throw new Error(`port ${port} for the embedded ${what} is already in use; stop whatever uses it or ${envHint}`);
}

/** Resolves once a TCP connection to `host:port` is accepted; rejects at once when refused. */
export function acceptsConnections(address: string): Promise<void> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
