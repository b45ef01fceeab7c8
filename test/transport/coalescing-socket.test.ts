import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCoalescing } from '../../src/transport/ssh2/coalescing-socket.js';

let server: Server | undefined;
let client: Socket | undefined;

afterEach(async () => {
  client?.destroy();
  if (server) await new Promise((resolve) => server?.close(resolve));
  server = client = undefined;
});

/** A loopback server that collects what it receives until the client ends. */
async function listen(): Promise<{ port: number; received: Promise<string> }> {
  let deliver: (text: string) => void = () => {};
  const received = new Promise<string>((resolve) => (deliver = resolve));
  server = createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => deliver(text));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, received };
}

describe('connectCoalescing', () => {
  it('holds the writes of one turn of the event loop and sends them together, in order', async () => {
    const { port, received } = await listen();
    const socket = (client = connectCoalescing('127.0.0.1', port));
    await once(socket, 'connect');

    socket.write('one ');
    socket.write(Buffer.from('two '));
    socket.write('three ');
    // Corked: nothing has gone to the kernel yet.
    expect(socket.writableCorked).toBe(1);
    expect(socket.writableLength).toBe('one two three '.length);

    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.writableCorked).toBe(0);
    expect(socket.writableLength).toBe(0);

    // A later turn corks again, and the callbacks still run.
    const written = new Promise((resolve) => socket.write('four', resolve));
    expect(socket.writableCorked).toBe(1);
    await written;
    socket.end();
    expect(await received).toBe('one two three four');
  });

  it('fails as a plain socket does when nothing listens', async () => {
    const { port } = await listen();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const socket = (client = connectCoalescing('127.0.0.1', port));
    const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});
