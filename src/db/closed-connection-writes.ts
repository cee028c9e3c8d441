/**
 * Works around a hang in the MongoDB driver (6.22; 7.9 has the same code): a command written to
 * a connection that the server has just closed can wait forever.
 *
 * The driver's `Connection.writeCommand` waits for the socket's 'drain' whenever `write()` returns
 * false. When the server closes a connection, Node destroys the socket and emits 'close' one
 * event-loop turn later; a write inside that turn returns false and is followed by neither 'drain'
 * nor 'error'. Socket timeouts cannot fire on a destroyed socket either. The connection itself
 * does notice the close (it emits its own 'close'), but nothing tells the waiting write.
 *
 * What hung here when the database restarted under load: the server monitor's heartbeat (the
 * client then failed every operation for good, long after the database was back) and single
 * operations (a sweep or relay pass that runs one at a time never ran again). This makes such a
 * write fail with the connection's own error, as a write to a closed connection should: the
 * operation's caller retries, and the monitor goes on checking.
 */
import type { EventEmitter } from 'node:events';
import { MongoNetworkError } from 'mongodb';

interface DriverConnection extends EventEmitter {
  closed: boolean;
  error?: Error | null;
}
type WriteCommand = (this: DriverConnection, ...args: unknown[]) => Promise<void>;
interface ConnectionPrototype {
  writeCommand?: WriteCommand;
}

/** The prototype of the driver's (internal) Connection class, if this driver still has one. */
function connectionPrototype(): ConnectionPrototype | undefined {
  try {
    return (require('mongodb/lib/cmap/connection') as { Connection?: { prototype: ConnectionPrototype } }).Connection?.prototype;
  } catch {
    return undefined;
  }
}

let original: WriteCommand | undefined;

/**
 * Installs the workaround (once per process; repeated calls do nothing). Returns false if the
 * driver no longer has the method it wraps: then check whether the driver fixed the hang.
 */
export function failWritesToClosedConnections(): boolean {
  const proto = connectionPrototype();
  if (typeof proto?.writeCommand !== 'function') return false;
  if (original) return true;
  const write = (original = proto.writeCommand);
  proto.writeCommand = function (this: DriverConnection, ...args: unknown[]) {
    const closedError = () => this.error ?? new MongoNetworkError('connection closed while a command was being written');
    if (this.closed) return Promise.reject(closedError());
    let onClose: () => void = () => undefined;
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(closedError());
    });
    this.once('close', onClose);
    return Promise.race([write.apply(this, args), closed]).finally(() => this.off('close', onClose));
  };
  return true;
}

/** Takes the workaround out again (tests show the hang it prevents). */
export function restoreDriverWrites(): void {
  const proto = connectionPrototype();
  if (proto && original) proto.writeCommand = original;
  original = undefined;
}
