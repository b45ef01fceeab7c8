import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '../testing/keys.js';
import { startLocalSshServer, type LocalSshServer } from './local-ssh-server.js';

/** One host of the throwaway fleet: its alias, address and what its folder holds. */
export interface DemoHost {
  readonly alias: string;
  readonly address: string;
  readonly tags: string;
  /** Files put in the host's folder: a role, and markers that make it slow or broken. */
  readonly files: Readonly<Record<string, string>>;
  /** No server at all: a host that is down. */
  readonly down?: boolean;
}

export interface DemoFleet {
  readonly dir: string;
  readonly hostsFile: string;
  readonly sshConfig: string;
  stop(): Promise<void>;
}

/**
 * A fleet that needs nothing but this process: in-process SSH servers on loopback addresses,
 * one folder each, keys made for the run, an ssh config naming them, and a hosts file.
 */
export async function startDemoFleet(hosts: readonly DemoHost[]): Promise<DemoFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'lwt-demo-'));
  // Not ssh2's keygen directly: one of its keys in 256 is unusable (see generateKeyPair).
  const hostKey = generateKeyPair();
  const clientKey = generateKeyPair();
  const keyFile = join(dir, 'id_ed25519');
  await writeFile(keyFile, clientKey.privateKey, { mode: 0o600 });
  const port = await freePort(hosts[0]?.address ?? '127.0.0.1');

  const servers: LocalSshServer[] = [];
  const config: string[] = [];
  const knownHosts: string[] = [];
  const hostsLines: string[] = [
    '# the demo fleet: aliases resolved through the ssh config beside this file',
  ];
  for (const host of hosts) {
    const folder = join(dir, 'folders', host.alias);
    await mkdir(folder, { recursive: true });
    for (const [name, content] of Object.entries(host.files))
      await writeFile(join(folder, name), content);
    if (!host.down) {
      servers.push(
        await startLocalSshServer({
          address: host.address,
          port,
          cwd: folder,
          hostKey: hostKey.privateKey,
          authorizedKey: clientKey.publicKey,
        }),
      );
    }
    config.push(`Host ${host.alias}`, `  HostName ${host.address}`, `  Port ${port}`, '');
    knownHosts.push(`[${host.address}]:${port} ${hostKey.publicKey}`);
    hostsLines.push(`${host.alias} tags=${host.tags}`);
  }
  const knownHostsFile = join(dir, 'known_hosts');
  await writeFile(knownHostsFile, knownHosts.join('\n') + '\n');
  config.push(
    'Host *',
    `  User ${userInfo().username}`,
    `  IdentityFile ${keyFile}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHostsFile}`,
  );
  const sshConfig = join(dir, 'ssh_config');
  await writeFile(sshConfig, config.join('\n') + '\n');
  const hostsFile = join(dir, 'hosts');
  await writeFile(hostsFile, hostsLines.join('\n') + '\n');
  return {
    dir,
    hostsFile,
    sshConfig,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port that is free on `address` now (the servers then all listen on it). */
function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, address, () => {
      const info = probe.address();
      const port = typeof info === 'object' && info ? info.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
