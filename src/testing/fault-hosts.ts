import { createServer, type Socket } from 'node:net';
import { freePort } from './network.js';

/** A host that accepts TCP and then says nothing: no banner, ever. */
export interface FrozenHost {
  readonly address: string;
  readonly port: number;
  /** Closes the listener and every socket it accepted. */
  stop(): Promise<void>;
}

/**
 * A listener that accepts connections and never sends a byte, as a hung machine whose kernel
 * still completes handshakes: a client without a deadline waits forever. The sockets stay open
 * until stop(). Nothing here holds the process open (unref'd), so a forgotten one is harmless.
 */
export function startFrozenHost(address = '127.0.0.1'): Promise<FrozenHost> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.unref();
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: 0 }, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
      let stopped: Promise<void> | undefined;
      const stop = () =>
        (stopped ??= new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        }));
      resolve({ address, port, stop });
    });
  });
}

/**
 * A loopback address and port with nothing listening: connecting is refused at once
 * (ECONNREFUSED). The port is not a fleet's: a fleet's wildcard listener answers on every
 * 127.x address at its own port. Something could bind the port later; within a test run that
 * does not happen in practice.
 */
export async function deadHostAddress(
  address = '127.0.0.1',
): Promise<{ address: string; port: number }> {
  return { address, port: await freePort(address) };
}
