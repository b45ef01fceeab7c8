import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadSshConfig,
  parseSshConfig,
  resolveSshSettings,
  type HostEntry,
  type SshResolveOptions,
} from '../../src/hosts/index.js';
import { catchUsageError, catchUsageErrorAsync } from './catch-usage-error.js';

const home = mkdtempSync(join(tmpdir(), 'lwt-ssh-settings-'));
const ssh = join(home, '.ssh');
mkdirSync(ssh);
afterAll(() => rmSync(home, { recursive: true, force: true }));

const entry = (host: string, more: Partial<HostEntry> = {}): HostEntry => ({
  name: host,
  host,
  tags: [],
  ...more,
});

function resolve(config: string | undefined, host: HostEntry, options: SshResolveOptions = {}) {
  return resolveSshSettings(host, {
    homeDir: home,
    localUser: 'alice',
    ...(config !== undefined && { config: parseSshConfig(config, { file: 'cfg', homeDir: home }) }),
    ...options,
  });
}

const labConfig = `
Host lab2
  HostName 127.0.0.2
  Port 2222
  User ops
  IdentityFile ~/.ssh/lab_%r_%h
  IdentityFile %d/.ssh/second
  IdentitiesOnly yes
  ConnectTimeout 5
  ServerAliveInterval 15
  ServerAliveCountMax 4
  StrictHostKeyChecking accept-new
  UserKnownHostsFile ~/.ssh/lab_known %d/other_known

Host loop-*
  HostName %h.localhost

Host *
  User fallback
  Port 2200
`;

describe('resolveSshSettings', () => {
  it("uses OpenSSH's defaults without a config", () => {
    writeFileSync(join(ssh, 'id_ed25519'), 'key');
    writeFileSync(join(ssh, 'id_rsa'), 'key');
    try {
      expect(resolve(undefined, entry('127.0.0.2'))).toEqual({
        alias: '127.0.0.2',
        hostname: '127.0.0.2',
        port: 22,
        user: 'alice',
        identityFiles: [join(ssh, 'id_ed25519'), join(ssh, 'id_rsa')],
        identitiesOnly: false,
        proxyJump: [],
        userKnownHostsFiles: [join(ssh, 'known_hosts'), join(ssh, 'known_hosts2')],
      });
    } finally {
      rmSync(join(ssh, 'id_ed25519'));
      rmSync(join(ssh, 'id_rsa'));
    }
  });

  it('applies a Host block, first value winning, with tokens and ~ expanded', () => {
    expect(resolve(labConfig, entry('lab2'))).toEqual({
      alias: 'lab2',
      hostname: '127.0.0.2',
      port: 2222,
      user: 'ops',
      identityFiles: [join(ssh, 'lab_ops_127.0.0.2'), join(ssh, 'second')],
      identitiesOnly: true,
      proxyJump: [],
      connectTimeoutMs: 5000,
      serverAliveIntervalMs: 15000,
      serverAliveCountMax: 4,
      userKnownHostsFiles: [join(ssh, 'lab_known'), join(home, 'other_known')],
      strictHostKeyChecking: 'accept-new',
    });
  });

  it('expands %h in HostName to the alias', () => {
    const settings = resolve(labConfig, entry('loop-a'));
    expect([settings.hostname, settings.user, settings.port]).toEqual([
      'loop-a.localhost',
      'fallback',
      2200,
    ]);
  });

  it('puts -l over user@ over User, and :port over Port', () => {
    const written = entry('lab2', { user: 'deploy', port: 2022 });
    expect(resolve(labConfig, written)).toMatchObject({ user: 'deploy', port: 2022 });
    expect(resolve(labConfig, written, { user: 'root' })).toMatchObject({
      user: 'root',
      port: 2022,
      // %r is the user that logs in.
      identityFiles: [join(ssh, 'lab_root_127.0.0.2'), join(ssh, 'second')],
    });
  });

  it('offers -i before IdentityFile, and no default keys when any is named', () => {
    writeFileSync(join(ssh, 'id_ed25519'), 'key');
    try {
      const settings = resolve(labConfig, entry('lab2'), { identityFiles: ['/keys/a', '~/b'] });
      expect(settings.identityFiles).toEqual([
        '/keys/a',
        join(home, 'b'),
        join(ssh, 'lab_ops_127.0.0.2'),
        join(ssh, 'second'),
      ]);
      expect(resolve(undefined, entry('x'), { identityFiles: ['/keys/a'] }).identityFiles).toEqual([
        '/keys/a',
      ]);
    } finally {
      rmSync(join(ssh, 'id_ed25519'));
    }
  });

  it('resolves ProxyJump hops in order, each through the config', () => {
    const config = `
Host inner
  HostName 127.0.0.4
  ProxyJump jump1,admin@jump2:2200
Host jump1
  HostName 127.0.0.5
  User j1
  ProxyJump jump0
Host jump0
  HostName 127.0.0.6
  Port 2022
Host jump2
  HostName 127.0.0.7
  ProxyJump not-used
`;
    const settings = resolve(config, entry('inner'), { user: 'root', identityFiles: ['/k'] });
    expect(
      settings.proxyJump.map((h) => [h.alias, h.hostname, h.port, h.user, h.proxyJump]),
    ).toEqual([
      ['jump0', '127.0.0.6', 2022, 'alice', []],
      ['jump1', '127.0.0.5', 22, 'j1', []],
      ['jump2', '127.0.0.7', 2200, 'admin', []],
    ]);
    // ssh -J: -l and -i are for the destination only.
    expect(settings.proxyJump[1]?.identityFiles).toEqual([]);
    expect([settings.hostname, settings.user, settings.identityFiles]).toEqual([
      '127.0.0.4',
      'root',
      ['/k'],
    ]);
  });

  it('takes ProxyJump none as no hops, and keeps ProxyCommand for the transport', () => {
    const config = `
Host direct
  ProxyJump none
Host piped
  HostName 127.0.0.3
  ProxyCommand nc %h %p
Host * !127.0.0.9
  ProxyJump 127.0.0.9
  ProxyCommand not-used
`;
    expect(resolve(config, entry('direct')).proxyJump).toEqual([]);
    expect(resolve(config, entry('direct')).proxyCommand).toBeUndefined();
    // Whichever of ProxyCommand and ProxyJump comes first wins, as in OpenSSH.
    const piped = resolve(config, entry('piped'));
    expect(piped.proxyCommand).toBe('nc 127.0.0.3 22');
    expect(piped.proxyJump).toEqual([]);
    const other = resolve(config, entry('other'));
    expect(other.proxyCommand).toBeUndefined();
    expect(other.proxyJump.map((h) => h.hostname)).toEqual(['127.0.0.9']);
  });

  it('refuses a ProxyJump loop with the path it took', () => {
    const config = 'Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n';
    expect(catchUsageError(() => resolve(config, entry('a'))).message).toBe(
      'ProxyJump goes through more than 8 hops (a -> b -> a -> b -> a -> b -> a -> b -> a -> b ...): ' +
        "it loops; fix ProxyJump in cfg, for instance with 'Host * !bastion' around a catch-all ProxyJump",
    );
    const catchAll = 'Host *\n  ProxyJump bastion\n';
    expect(catchUsageError(() => resolve(catchAll, entry('web1'))).message).toContain(
      '(web1 -> bastion -> bastion',
    );
    const fixed = 'Host * !bastion\n  ProxyJump bastion\n';
    expect(resolve(fixed, entry('web1')).proxyJump.map((h) => h.alias)).toEqual(['bastion']);
  });

  it('reads ssh:// hops and bracketed IPv6 hops', () => {
    const config = 'Host x\n  ProxyJump ssh://ops@127.0.0.2:2200,[::1]:2201\n';
    expect(resolve(config, entry('x')).proxyJump.map((h) => [h.user, h.hostname, h.port])).toEqual([
      ['ops', '127.0.0.2', 2200],
      ['alice', '::1', 2201],
    ]);
  });

  it('refuses more than 8 hops even without a loop', () => {
    const hops = Array.from({ length: 9 }, (_, i) => `127.0.0.${i + 2}`).join(',');
    expect(
      catchUsageError(() => resolve(`Host x\n  ProxyJump ${hops}\n`, entry('x'))).message,
    ).toBe('ProxyJump of x has 9 hops, more than 8: shorten it in cfg');
  });

  it('lets UserKnownHostsFile none turn known_hosts off', () => {
    expect(resolve('UserKnownHostsFile none\n', entry('x')).userKnownHostsFiles).toEqual([]);
  });

  it('applies Match user with the user that logs in', () => {
    const config = 'Match user deploy\n  Port 2201\n';
    expect(resolve(config, entry('x', { user: 'deploy' })).port).toBe(2201);
    expect(resolve(config, entry('x')).port).toBe(22);
  });

  it('never runs Match exec', () => {
    const marker = join(home, 'ran');
    const settings = resolve(`Match exec "touch ${marker}"\n  Port 2201\n`, entry('x'));
    expect(settings.port).toBe(22);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['Port abc', "Port 'abc' in cfg (for x) is not a whole number: fix it there"],
    ['Port 70000', 'Port 70000 in cfg (for x) is not from 1 to 65535: fix it there'],
    [
      'ConnectTimeout 1.5',
      "ConnectTimeout '1.5' in cfg (for x) is not a whole number: fix it there",
    ],
    [
      'IdentitiesOnly maybe',
      "IdentitiesOnly 'maybe' in cfg (for x) must be yes or no: fix it there",
    ],
    [
      'IdentityFile ~/.ssh/%z',
      "unknown token '%z' in IdentityFile in cfg (for x): use one of %d %u %i %l %L %h %n %p %r, or %% for a literal '%'",
    ],
    [
      'ProxyJump a:b:c',
      "bad ProxyJump hop 'a:b:c' in ProxyJump in cfg (for x): write hops as [user@]host[:port], separated by commas, or none",
    ],
  ])('refuses %s in the config, naming it', (line, message) => {
    expect(catchUsageError(() => resolve(`${line}\n`, entry('x'))).message).toBe(message);
  });

  const sshBinary = spawnSync('ssh', ['-V']).error === undefined;
  it.skipIf(!sshBinary)('agrees with ssh -G on host, port and user', () => {
    const file = join(home, 'agree.cfg');
    const text = `Host inner\n  HostName 127.0.0.4\n  ProxyJump lab2\n${labConfig}`;
    writeFileSync(file, text);
    const config = parseSshConfig(text, { file, homeDir: home });
    const local = userInfo().username;
    const cases: [HostEntry, string | undefined][] = [
      [entry('lab2'), undefined],
      [entry('lab2', { user: 'deploy', port: 2022 }), undefined],
      [entry('lab2', { user: 'deploy' }), 'root'],
      [entry('loop-b'), undefined],
      [entry('inner'), undefined],
      [entry('127.0.0.3'), undefined],
    ];
    for (const [host, user] of cases) {
      const args = ['-G', '-F', file, ...(user ? ['-l', user] : [])];
      if (host.port) args.push('-p', String(host.port));
      args.push(host.user ? `${host.user}@${host.host}` : host.host);
      const out = spawnSync('ssh', args, {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).stdout;
      const value = (key: string) => new RegExp(`^${key} (.*)$`, 'mi').exec(out)?.[1];
      const ours = resolveSshSettings(host, { config, user, homeDir: home, localUser: local });
      expect([ours.hostname, String(ours.port), ours.user]).toEqual([
        value('hostname'),
        value('port'),
        value('user'),
      ]);
    }
  });
});

describe('loadSshConfig', () => {
  it('is undefined when ~/.ssh/config does not exist', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lwt-no-config-'));
    try {
      expect(await loadSshConfig(undefined, empty)).toBeUndefined();
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('refuses a missing -F file', async () => {
    const file = join(home, 'nope.cfg');
    expect((await catchUsageErrorAsync(() => loadSshConfig(file, home))).message).toBe(
      `cannot read ssh config ${file} (no such file): check the path given to -F`,
    );
  });

  it('reads ~/.ssh/config with its Includes', async () => {
    mkdirSync(join(ssh, 'config.d'));
    writeFileSync(join(ssh, 'config.d', '10-lab'), 'Host lab9\n  HostName 127.0.0.9\n');
    writeFileSync(
      join(ssh, 'config.d', '20-more'),
      'Host lab9\n  HostName 127.0.0.99\n  Port 2209\n',
    );
    writeFileSync(join(home, 'users'), 'User included\n');
    writeFileSync(
      join(ssh, 'config'),
      'Include config.d/*\nInclude missing-file\nHost lab*\n  Include ~/users\n  Port 2000\n',
    );
    const config = await loadSshConfig(undefined, home);
    expect(config?.file).toBe(join(ssh, 'config'));
    const settings = resolveSshSettings(entry('lab9'), {
      config,
      homeDir: home,
      localUser: 'alice',
    });
    expect([settings.hostname, settings.port, settings.user]).toEqual([
      '127.0.0.9',
      2209,
      'included',
    ]);
    rmSync(join(ssh, 'config'));
  });

  it('refuses text ssh cannot parse, naming the file', () => {
    const error = catchUsageError(() => parseSshConfig('Host "web1\n', { file: 'cfg' }));
    expect(error.format()).toBe(
      'cannot parse ssh config cfg: Unexpected line break at web1: fix that line ' +
        '(an unclosed quote, or a Match criterion without its value)',
    );
  });

  it('refuses an Include loop', async () => {
    writeFileSync(join(ssh, 'loop'), 'Include loop\n');
    const error = await catchUsageErrorAsync(() => loadSshConfig(join(ssh, 'loop'), home));
    expect(error.message).toBe(
      'Include nested more than 16 deep (loop): an ssh config includes itself; remove the loop',
    );
  });
});
