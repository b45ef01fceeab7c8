import { connect, createServer } from 'node:net';

/**
 * The address of the `index`th host of a fleet: 127.0.0.2, 127.0.0.3, ... All of 127.0.0.0/8
 * reaches the loopback interface on Linux, so a fleet needs no interface set-up.
 */
export function loopbackAddress(index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > 0xfffffe) {
    throw new RangeError(`no loopback address number ${index}`);
  }
  return `127.${(index >> 16) & 0xff}.${(index >> 8) & 0xff}.${index & 0xff}`;
}

/**
 * A TCP port nothing listens on at the moment, from the kernel's ephemeral range. Another process
 * can take it before we do; callers that bind it retry on EADDRINUSE.
 */
export function freePort(address = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: address, port: 0, exclusive: true }, () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port bound'))));
    });
  });
}

/** Connects once and resolves with the server's first line, or rejects (refused, no banner). */
function readBanner(address: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    let received = '';
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(received.split('\n')[0]?.trim() ?? '');
    };
    const timer = setTimeout(() => finish(new Error('no banner')), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', () => finish(new Error('closed before a banner')));
  });
}

/**
 * Resolves with the SSH banner once `address:port` sends one. A port that accepts is not enough:
 * sshd may be between bind and its first accept, and a test that connects then sees a reset.
 */
export async function waitForSshBanner(
  address: string,
  port: number,
  options: { timeoutMs: number; gaveUp: () => string | undefined },
): Promise<string> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = 'nothing tried';
  while (Date.now() < deadline) {
    const reason = options.gaveUp();
    if (reason !== undefined) throw new Error(reason);
    try {
      const banner = await readBanner(address, port, Math.max(100, deadline - Date.now()));
      if (banner.startsWith('SSH-')) return banner;
      lastError = `unexpected banner ${JSON.stringify(banner)}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(
    `no SSH banner from ${address}:${port} in ${options.timeoutMs} ms (${lastError})`,
  );
}
