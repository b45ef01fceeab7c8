import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';

const { Server, utils } = ssh2;

export interface LocalSshServerOptions {
  /** Loopback address to listen on (127.0.0.2, ...). */
  readonly address: string;
  readonly port: number;
  /** The folder every command runs in. */
  readonly cwd: string;
  /** Host private key (OpenSSH format). */
  readonly hostKey: string;
  /** The one public key allowed to log in, as "ssh-ed25519 AAAA..." */
  readonly authorizedKey: string;
  /** Send no exit status at all, as the SSH spec allows (OpenSSH never does this). */
  readonly withoutExitStatus?: boolean;
}

export interface LocalSshServer {
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A tiny SSH server in this process for the demo and for cases OpenSSH cannot produce: it
 * accepts one public key and runs each exec request with /bin/sh in its folder, as the user
 * running it. Not a real sshd: no shells, no pty, no forwarding.
 */
export async function startLocalSshServer(options: LocalSshServerOptions): Promise<LocalSshServer> {
  const allowed = utils.parseKey(options.authorizedKey);
  if (allowed instanceof Error || Array.isArray(allowed)) throw new Error('bad authorized key');
  const allowedBlob = allowed.getPublicSSH();
  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [options.hostKey] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => client.end());
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const offered = ctx.key.data;
      const same = offered.length === allowedBlob.length && timingSafeEqual(offered, allowedBlob);
      if (!same) return ctx.reject(['publickey']);
      if (
        ctx.signature &&
        ctx.blob &&
        allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true
      ) {
        return ctx.reject(['publickey']);
      }
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          runExec(acceptExec(), info.command, options);
        });
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => resolve());
  });
  const bound = server.address();
  return {
    address: options.address,
    // Port 0 asks for any free port: report the one we got.
    port: typeof bound === 'object' && bound ? bound.port : options.port,
    stop: () =>
      new Promise((resolve) => {
        for (const c of connections) c.end();
        server.close(() => resolve());
      }),
  };
}

function runExec(channel: ServerChannel, command: string, options: LocalSshServerOptions): void {
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: options.cwd,
    env: { ...process.env, SHELL: '/bin/sh', HOME: options.cwd },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  channel.pipe(child.stdin).on('error', () => {});
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(channel.stderr, { end: false });
  child.on('close', (code, signal) => {
    if (!options.withoutExitStatus) {
      if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
      else channel.exit(code ?? 0);
    }
    channel.end();
  });
}
