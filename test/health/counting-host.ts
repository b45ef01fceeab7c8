import { createServer, type Socket } from 'node:net';

/** A bad host that counts how often it was contacted. */
export interface CountingHost {
  readonly address: string;
  readonly port: number;
  /** Connections accepted so far. */
  contacts(): number;
  stop(): Promise<void>;
}

/**
 * A listener that either never speaks (`frozen`: a hung machine whose kernel still accepts)
 * or drops each connection at once (`reset`: a dead sshd behind a live kernel). Unlike a
 * refused port, it can tell how many times lwt tried it.
 */
export function startCountingHost(
  address: string,
  mode: 'frozen' | 'reset',
): Promise<CountingHost> {
  const sockets = new Set<Socket>();
  let contacts = 0;
  const server = createServer((socket) => {
    contacts++;
    socket.on('error', () => undefined);
    if (mode === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: 0 }, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
      resolve({
        address,
        port,
        contacts: () => contacts,
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
