import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSshSettings, selectHosts } from '../../src/hosts/index.js';
import { connectSsh } from '../../src/transport/ssh2/connect.js';

let dir: string | undefined;
let server: Server | undefined;
const accepted: Socket[] = [];

afterEach(async () => {
  accepted.splice(0).forEach((socket) => socket.destroy());
  if (server) await new Promise((resolve) => server?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

describe('connectSsh', () => {
  it('makes no connection once its deadline passed while the keys were still being read', async () => {
    server = createServer((socket) => accepted.push(socket)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    // A FIFO as the identity: reading it waits until somebody writes it.
    dir = mkdtempSync(join(tmpdir(), 'lwt-connect-'));
    const identity = join(dir, 'id_fifo');
    execFileSync('mkfifo', [identity]);
    const [host] = selectHosts(undefined, { list: `127.0.0.1:${address.port}` });
    if (!host) throw new Error('no host');
    const settings = { ...resolveSshSettings(host), identityFiles: [identity] };

    const result = await connectSsh(settings, {
      connectTimeoutMs: 200,
      keepaliveIntervalMs: 5000,
      keepaliveCountMax: 3,
    });
    expect(result).toEqual({
      ok: false,
      outcome: { kind: 'timeout', phase: 'connect', afterMs: 200 },
    });

    // Now the key read ends (empty: not a key), and the attempt would go on to connect.
    closeSync(openSync(identity, 'w'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(accepted).toHaveLength(0);
  });
});
