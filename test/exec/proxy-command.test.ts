import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  deadHostAddress,
  sshdAvailable,
  startSshFleet,
  type SshFleet,
} from '../../src/testing/index.js';
import {
  normalizeSummary,
  runLwtNoInput as runLwt,
  startLwtNoInput as startLwt,
} from '../helpers/lwt-process.js';
import {
  findProcesses,
  MarkerRegistry,
  survivors,
  tempDir,
  waitFor,
} from '../helpers/processes.js';

/**
 * Hosts of the ssh config reached through a ProxyCommand, as `ssh -W` through a jump host
 * (OpenSSH's own client, with the fleet's key and known_hosts), against a real sshd answering
 * as 127.0.0.150-152.
 */
describe.skipIf(!sshdAvailable())('lwt through a ProxyCommand', () => {
  let fleet: SshFleet;
  let dead: { address: string; port: number };
  const markers = new MarkerRegistry();
  const dir = tempDir();

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 3, firstAddress: 150 });
    dead = await deadHostAddress();
  });
  afterAll(async () => {
    await fleet?.stop();
    dir.remove();
  });
  afterEach(() => {
    expect(markers.reap()).toEqual([]);
  });

  /**
   * An ssh config whose ProxyCommands carry `marker` (in the name of the config they give ssh,
   * or in their own words), so that what is left of them can be found.
   */
  function sshConfig(marker: string): string {
    const [a, b, c] = fleet.addresses as [string, string, string];
    const jump = join(dir.path, `jump-${marker}.conf`);
    writeFileSync(jump, readFileSync(fleet.sshConfigPath));
    const path = join(dir.path, `config-${marker}`);
    const names = 'proxied inner hop sticky dead-jump missing silent twin-a twin-b';
    writeFileSync(
      path,
      [
        'Host proxied',
        `  HostName ${b}`,
        `  ProxyCommand sh -c 'echo "for $0" >&2; exec ssh -F ${jump} -W "$0" ${a}' %h:%p`,
        // A ProxyJump whose first hop is reached with a ProxyCommand.
        'Host inner',
        `  HostName ${c}`,
        '  ProxyJump hop',
        'Host hop',
        `  HostName ${a}`,
        `  ProxyCommand ssh -F ${jump} -W %h:%p ${b}`,
        // One that outlives the end of its input: lwt must stop it, not wait for it.
        'Host sticky',
        `  HostName ${c}`,
        `  ProxyCommand sh -c 'ssh -F ${jump} -W "$0" ${a}; exec sleep 1000.${marker}' %h:%p`,
        // One address behind two ProxyCommands: two hosts, as two private networks may be.
        'Host twin-a',
        `  HostName ${b}`,
        `  ProxyCommand ssh -F ${jump} -W %h:%p ${a}`,
        'Host twin-b',
        `  HostName ${b}`,
        `  ProxyCommand no-such-proxy-${marker} %h %p`,
        'Host dead-jump',
        `  HostName ${b}`,
        `  ProxyCommand ssh -F ${jump} -p ${dead.port} -W %h:%p ${dead.address}`,
        'Host missing',
        `  ProxyCommand no-such-proxy-${marker} %h %p`,
        'Host silent',
        `  ProxyCommand sleep 1000.${marker}`,
        'Host web*',
        `  ProxyCommand sh -c 'touch "$0"' ${join(dir.path, `ran-${marker}`)} %n`,
        readFileSync(fleet.sshConfigPath, 'utf8').replace(/^Host (.*)$/m, `Host $1 ${names}`),
      ].join('\n'),
    );
    return path;
  }

  it('runs a command on hosts reached with ssh -W, and leaves no proxy running', async () => {
    const marker = markers.next();
    const r = await runLwt([
      'exec',
      '-F',
      sshConfig(marker),
      '-w',
      'proxied,inner,sticky',
      '--',
      'set -- $SSH_CONNECTION; echo "$3"',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      `inner: ${fleet.addresses[2]}`,
      `proxied: ${fleet.addresses[1]}`,
      `sticky: ${fleet.addresses[2]}`,
    ]);
    // The ProxyCommand's stderr, prefixed with its host: it did carry the connection.
    expect(normalizeSummary(r.stderr)).toBe(
      `lwt: proxied: ProxyCommand: for ${fleet.addresses[1]}:${fleet.port}\n` +
        'lwt exec: 3 ok (3 hosts in Xs)\n',
    );
    expect(await survivors(marker)).toEqual([]);
  });

  it('keeps apart two hosts with one address behind different ProxyCommands', async () => {
    const marker = markers.next();
    const r = await runLwt(['exec', '-F', sshConfig(marker), '-w', 'twin-a,twin-b', '--', 'true']);
    expect(r.code).toBe(4);
    expect(normalizeSummary(r.stderr)).toMatch(
      /^lwt exec: 1 ok, 1 unreachable \(2 hosts in Xs\)\n {2}twin-b: unreachable \(proxy\): /m,
    );
    expect(await survivors(marker)).toEqual([]);
  });

  it('puts and gets a file through it', async () => {
    const marker = markers.next();
    const config = sshConfig(marker);
    const home = join(dir.path, `home-${marker}`);
    mkdirSync(home);
    const hosts = join(dir.path, `hosts-${marker}`);
    writeFileSync(hosts, `proxied home=${home}\n`);
    const local = join(dir.path, `note-${marker}.txt`);
    writeFileSync(local, 'through the proxy\n');
    const fleetArgs = ['-F', config, '-H', hosts, '--all-candidates'];

    const put = await runLwt(['put', ...fleetArgs, local, 'in/note.txt']);
    expect(put.code).toBe(0);
    expect(readFileSync(join(home, 'in', 'note.txt'), 'utf8')).toBe('through the proxy\n');

    const into = join(dir.path, `got-${marker}`);
    const get = await runLwt(['get', ...fleetArgs, 'in/note.txt', into]);
    expect(get.code).toBe(0);
    expect(readFileSync(join(into, 'proxied', 'note.txt'), 'utf8')).toBe('through the proxy\n');
    expect(await survivors(marker)).toEqual([]);
  });

  it('reports a ProxyCommand that fails or hangs in the summary, exit 4, and stops it', async () => {
    const marker = markers.next();
    const args = ['exec', '-F', sshConfig(marker), '--connect-timeout', '2'];
    const r = await runLwt([...args, '-w', 'dead-jump,missing,silent', '--', 'true']);
    expect(r.code).toBe(4);
    const refused = `ssh: connect to host ${dead.address} port ${dead.port}: Connection refused`;
    const lines = normalizeSummary(r.stderr).split('\n');
    expect(lines).toContain(`lwt: dead-jump: ProxyCommand: ${refused}`);
    expect(lines).toContain('lwt exec: 0 ok, 1 timed out, 2 unreachable (3 hosts in Xs)');
    expect(lines).toContain(
      `  dead-jump: unreachable (proxy): ProxyCommand failed (exit status 255): ${refused}`,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^  missing: unreachable \\(proxy\\): ProxyCommand failed \\(exit status 127\\): .*no-such-proxy-${marker}.*not found$`,
        ),
      ),
    );
    expect(lines).toContain('  silent: timed out after 2.0s while connecting');
    expect(await survivors(marker)).toEqual([]);

    const json = await runLwt([...args, '--json', '-w', 'missing', '--', 'true']);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout).outcome).toMatchObject({ kind: 'unreachable', stage: 'proxy' });
  });

  it('stops a ProxyCommand that hangs when lwt is interrupted', async () => {
    const marker = markers.next();
    const run = startLwt(['exec', '-F', sshConfig(marker), '-w', 'silent', '--', 'true']);
    expect(
      await waitFor(() => findProcesses(marker).some((p) => p.args === `sleep 1000.${marker}`)),
    ).toBe(true);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(normalizeSummary(r.stderr)).toContain(
      'lwt exec: 0 ok, 1 canceled (1 host in Xs, interrupted)',
    );
    expect(await survivors(marker)).toEqual([]);
  });

  it('refuses, before anything runs, a host name that would put shell syntax in it', async () => {
    const marker = markers.next();
    const config = sshConfig(marker);
    const r = await runLwt(['exec', '-F', config, '-w', 'web$(id)', '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `lwt: web$(id): host 'web$(id)' would go into the ProxyCommand in ${config} (for web$(id)) ` +
        "as %n, and '$' is special to the shell: use a name without shell metacharacters, " +
        'spaces or control characters (OpenSSH 9.6 refuses them too)\n',
    );
    expect(existsSync(join(dir.path, `ran-${marker}`))).toBe(false);
    // The same host name without the metacharacter does run it.
    const ok = await runLwt([
      'exec',
      '-F',
      config,
      '-w',
      'web1',
      '--connect-timeout',
      '2',
      '--',
      'true',
    ]);
    expect(ok.code).toBe(4);
    expect(existsSync(join(dir.path, `ran-${marker}`))).toBe(true);
  });
});
