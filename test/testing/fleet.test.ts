import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deadHostAddress,
  SshFleetUnavailableError,
  sshdAvailable,
  startFrozenHost,
  startSshFleet,
  type SshFleet,
} from '../../src/testing/index.js';
import { descendantsOf } from '../../src/testing/processes.js';

interface SshResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The system ssh client, as a user would run it against the fleet. */
function ssh(fleet: SshFleet, address: string, command: string, extra: string[] = []) {
  return new Promise<SshResult>((resolve) => {
    execFile(
      'ssh',
      ['-F', fleet.sshConfigPath, ...extra, address, command],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** What connecting to address:port leads to: the first bytes, 'silent' after waitMs, or an error code. */
function probe(address: string, port: number, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const timer = setTimeout(() => finish('silent'), waitMs);
    const finish = (result: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    socket.on('data', (chunk) => finish(`data:${chunk.toString('latin1')}`));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}

/** Whether a `sleep` runs under the fleet's listener: the command has started. */
async function hasSleep(fleet: SshFleet): Promise<boolean> {
  return descendantsOf(fleet.sshdPid).some((p) => p.comm === 'sleep');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Root in CI; anyone else gets a fleet that logs in as themselves. */
const asRoot = process.getuid?.() === 0;

describe.skipIf(!sshdAvailable())('startSshFleet', () => {
  let fleet: SshFleet;
  let nonroot: SshFleet | undefined;
  let nonrootSkipReason = '';

  beforeAll(async () => {
    const started = await Promise.allSettled([
      startSshFleet({ hosts: 3, user: asRoot ? 'root' : 'self' }),
      startSshFleet({ hosts: 2, user: 'nonroot' }),
    ]);
    for (const result of started) {
      if (result.status === 'fulfilled') continue;
      // Clean up what did start before failing or skipping.
      for (const other of started) if (other.status === 'fulfilled') await other.value.stop();
      if (!(result.reason instanceof SshFleetUnavailableError)) throw result.reason;
    }
    if (started[0].status === 'rejected') throw started[0].reason;
    fleet = started[0].value;
    if (started[1].status === 'fulfilled') nonroot = started[1].value;
    else nonrootSkipReason = String(started[1].reason);
  });

  afterAll(async () => {
    await fleet?.stop();
    await nonroot?.stop();
  });

  it('answers on every address as root, without reading /root/.bashrc', async () => {
    const login = asRoot ? 'root' : userInfo().username;
    expect(fleet.addresses).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    const results = await Promise.all(
      fleet.addresses.map((a) => ssh(fleet, a, 'echo hi; id -un; echo "${PYENV_ROOT-unset}"')),
    );
    for (const result of results) {
      expect(result).toMatchObject({ code: 0, stdout: `hi\n${login}\nunset\n` });
    }
  });

  it('answers as the unprivileged test user on a nonroot fleet', async (context) => {
    if (!nonroot) return context.skip(nonrootSkipReason);
    const unprivileged = nonroot;
    expect(unprivileged.user).toBe('lwt-test');
    const results = await Promise.all(
      unprivileged.addresses.map((a) => ssh(unprivileged, a, 'echo hi; id -un')),
    );
    for (const result of results) {
      expect(result).toMatchObject({ code: 0, stdout: 'hi\nlwt-test\n' });
    }
  });

  it('writes a hosts file and a known_hosts line per address', async () => {
    const hosts = await readFile(fleet.hostsFilePath, 'utf8');
    expect(hosts).toBe(fleet.addresses.map((a) => `${fleet.user}@${a}:${fleet.port}\n`).join(''));
    const knownHosts = await readFile(fleet.knownHostsPath, 'utf8');
    expect(knownHosts.split('\n')[0]).toBe(`[127.0.0.2]:${fleet.port} ${fleet.hostPublicKey}`);
    expect(fleet.hostPublicKey).toMatch(/^ssh-ed25519 AAAA\S+$/);
    expect(fleet.privateKey.toString()).toContain('OPENSSH PRIVATE KEY');
  });

  it('has a frozen host that accepts TCP and sends nothing', async () => {
    const frozen = await startFrozenHost();
    try {
      expect(await probe(frozen.address, frozen.port, 1_000)).toBe('silent');
    } finally {
      await frozen.stop();
    }
    expect(await probe(frozen.address, frozen.port, 1_000)).toBe('ECONNREFUSED');
  });

  it('has a dead address that refuses connections', async () => {
    const dead = await deadHostAddress();
    expect(dead.port).not.toBe(fleet.port);
    expect(await probe(dead.address, dead.port, 1_000)).toBe('ECONNREFUSED');
    // The fleet's port answers on any loopback address, which is why a dead host needs its own.
    expect(await probe(dead.address, fleet.port, 1_000)).toMatch(/^data:SSH-2\.0-/);
  });

  it('kills a connection mid-command', async () => {
    const started = Date.now();
    const running = ssh(fleet, fleet.addresses[1] ?? '', 'sleep 30');
    // Wait for the command itself, not only the connection: the kill must land mid-command.
    while (!(await fleet.connectionPids()).length || !(await hasSleep(fleet))) {
      expect(Date.now() - started).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await fleet.killConnections();
    const result = await running;
    expect(result.code).toBe(255);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await fleet.connectionPids()).toEqual([]);
    expect(await hasSleep(fleet)).toBe(false);
  });

  it('ends a non-root session too, whose sshd is two processes', async (context) => {
    if (!nonroot) return context.skip(nonrootSkipReason);
    const unprivileged = nonroot;
    const started = Date.now();
    const running = ssh(unprivileged, unprivileged.addresses[0] ?? '', 'sleep 30');
    while (!(await hasSleep(unprivileged))) {
      expect(Date.now() - started).toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await unprivileged.killConnections();
    expect((await running).code).toBe(255);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('offers a new host key after rotateHostKey, which the old known_hosts refuses', async () => {
    const { port, sshdPid, hostPublicKey } = fleet;
    await fleet.rotateHostKey();
    expect(fleet.port).toBe(port);
    expect(fleet.sshdPid).not.toBe(sshdPid);
    expect(fleet.hostPublicKey).not.toBe(hostPublicKey);
    const refused = await ssh(fleet, '127.0.0.2', 'true');
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    const fresh = join(fleet.dir, 'known_hosts.new');
    writeFileSync(fresh, `[127.0.0.2]:${fleet.port} ${fleet.hostPublicKey}\n`);
    const accepted = await ssh(fleet, '127.0.0.2', 'echo ok', [
      '-o',
      `UserKnownHostsFile=${fresh}`,
    ]);
    expect(accepted).toMatchObject({ code: 0, stdout: 'ok\n' });
  });

  it('stops sshd, removes its folder, and can be stopped twice', async () => {
    const { sshdPid, dir, port } = fleet;
    expect(isRunning(sshdPid)).toBe(true);
    await fleet.stop();
    expect(isRunning(sshdPid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(await probe('127.0.0.2', port, 1_000)).toBe('ECONNREFUSED');
    await fleet.stop();
  });
});
