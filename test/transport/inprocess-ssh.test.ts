import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '../../src/testing/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSshServer, type LocalSshServer } from '../../src/demo/local-ssh-server.js';
import { exec } from '../../src/fleet/exec.js';
import { parseSshConfig, selectHosts } from '../../src/hosts/index.js';

/**
 * Cases a real OpenSSH server cannot produce, against ssh2 servers in this process: a server
 * that sends no exit status at all (the SSH spec allows it), next to one that does.
 */
describe('exec against in-process ssh2 servers', () => {
  let dir: string;
  let servers: LocalSshServer[] = [];
  let config: ReturnType<typeof parseSshConfig>;
  let hostPublic: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lwt-inproc-'));
    const hostKey = generateKeyPair();
    const clientKey = generateKeyPair();
    hostPublic = hostKey.publicKey.split(' ').slice(0, 2).join(' ');
    writeFileSync(join(dir, 'id'), clientKey.privateKey, { mode: 0o600 });
    const common = {
      port: 0,
      cwd: dir,
      hostKey: hostKey.privateKey,
      authorizedKey: clientKey.publicKey,
    };
    servers = [
      await startLocalSshServer({ ...common, address: '127.0.0.1' }),
      await startLocalSshServer({ ...common, address: '127.0.0.1', withoutExitStatus: true }),
    ];
    config = parseSshConfig(
      [
        ...servers.flatMap((s, i) => [`Host s${i}`, `  HostName 127.0.0.1`, `  Port ${s.port}`]),
        'Host *',
        `  IdentityFile ${join(dir, 'id')}`,
        `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('remembers an unknown host key (accept-new), then checks it without a word', async () => {
    const hosts = selectHosts(undefined, { list: 's0' });
    const notes: string[] = [];
    const reporters = [{ onNote: (m: string) => notes.push(m) }];
    const first = await exec(hosts, 'exit 3', { config, reporters });
    expect(first.results[0]?.outcome).toEqual({ kind: 'exit', code: 3 });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^added ssh-ed25519 SHA256:\S+ for \[127\.0\.0\.1\]:\d+ to /);
    const known = readFileSync(join(dir, 'known_hosts'), 'utf8');
    expect(known).toBe(`[127.0.0.1]:${servers[0]?.port} ${hostPublic}\n`);
    const again = await exec(hosts, 'true', { config, reporters });
    expect(again.results[0]?.outcome).toEqual({ kind: 'ok' });
    expect(notes).toHaveLength(1);
  });

  it('decodes exit codes and signals sent by the server, and no-status when it sends none', async () => {
    const hosts = selectHosts(undefined, { list: 's0,s1' });
    const ended = await exec(hosts, 'echo out; kill -TERM $$', { config, connectTimeoutMs: 5000 });
    expect(ended.results.map((r) => [r.name, r.outcome, r.stdout])).toEqual([
      ['s0', { kind: 'signal', signal: 'SIGTERM', core: false }, 'out\n'],
      ['s1', { kind: 'no-status' }, 'out\n'],
    ]);
  });
});
