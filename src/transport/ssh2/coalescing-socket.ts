import { Socket } from 'node:net';

/**
 * A TCP connection whose writes in one turn of the event loop leave in one system call.
 *
 * ssh2 writes every SSH packet with a socket.write of its own: a 10 MB put is 320 packets of
 * 32 KB a host, plus the handshake's dozen small ones. Corked until the turn ends, Node hands
 * what was written in it to the kernel as one writev, and the sshd at the other end wakes
 * once for it: 4300 writes became 600 for a 10 MB put to 10 hosts, 7% less client CPU
 * (NOTES.md, 2026-11-23, fifth session). Nothing waits longer than before: the uncork runs as
 * soon as the code that wrote returns to the event loop.
 *
 * The wrapper goes on the instance after connect(), because net.Socket's connect() resets an
 * own `write` (and a subclass's) to its own.
 */
export function connectCoalescing(host: string, port: number): Socket {
  const socket = new Socket();
  socket.connect({ host, port });
  const write = socket.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
  return socket;
}
