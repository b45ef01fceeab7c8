import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, loadHostsFile, loadSshConfig } from '../../src/index.js';
import { sshdAvailable, startSshFleet, type SshFleet } from '../../src/testing/index.js';

/** What sshd logs at DEBUG1 for each hostkeys-prove-00 request a client makes. */
const PROVE_REQUEST = 'rtype hostkeys-prove-00@openssh.com';

describe.skipIf(!sshdAvailable())("lwt and OpenSSH's host key notice", () => {
  let fleet: SshFleet;
  const log = () => readFileSync(join(fleet.dir, 'sshd.log'), 'utf8');

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 1, firstAddress: 50, logLevel: 'DEBUG1' });
  });
  afterAll(async () => await fleet?.stop());

  it('ssh2 left to itself asks the server to prove its host keys (the control)', async () => {
    const before = log().length;
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('error', reject);
      // The server's notice comes after authentication; give the answer time to arrive.
      client.once('ready', () => setTimeout(resolve, 500));
      client.connect({
        host: fleet.addresses[0],
        port: fleet.port,
        username: fleet.user,
        privateKey: fleet.privateKey,
      });
    });
    client.end();
    expect(log().slice(before)).toContain(PROVE_REQUEST);
  });

  it('lwt exec never asks: nothing it would use, and a signature per host key on every host', async () => {
    const before = log().length;
    const hosts = await loadHostsFile(fleet.hostsFilePath);
    const config = await loadSshConfig(fleet.sshConfigPath);
    // Long enough for the notice and any answer to it to reach the log.
    const run = await exec(hosts, 'sleep 0.5', { config, timeoutMs: 30_000 });
    expect(run.results.map((r) => r.outcome)).toEqual([{ kind: 'ok' }]);
    const logged = log().slice(before);
    expect(logged).toContain('Accepted publickey'); // The log does cover this session.
    expect(logged).not.toContain(PROVE_REQUEST);
  });
});
