import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadSshConfig,
  parseSshConfig,
  resolveSshSettings,
  type HostEntry,
} from '../../src/hosts/index.js';
import { tempDir } from '../helpers/processes.js';
import { catchUsageError } from './catch-usage-error.js';

const home = tempDir();
afterAll(() => home.remove());

const entry = (host: string, more: Partial<HostEntry> = {}): HostEntry => ({
  name: host,
  host,
  tags: [],
  ...more,
});

function resolve(config: string, host: HostEntry) {
  return resolveSshSettings(host, {
    homeDir: home.path,
    localUser: 'alice',
    config: parseSshConfig(config, { file: 'cfg', homeDir: home.path }),
  });
}

/** The UsageError's text as the CLI prints it: "file:line: message" when it has a place. */
const refusal = (config: string, host: HostEntry) =>
  catchUsageError(() => resolve(config, host)).format();

describe('ProxyCommand in the ssh config', () => {
  it('is the rest of the line as written: quotes, backslashes, blanks and # kept', () => {
    const config = [
      'Host quoted',
      `  ProxyCommand sh -c "echo \\"hi  there\\"" 'x  y' # not a comment for ssh`,
      'Host equals',
      '  proxycommand=nc -X connect -x 192.0.2.0:8080 %h %p   ',
      '',
    ].join('\n');
    expect(resolve(config, entry('quoted')).proxyCommand).toBe(
      `sh -c "echo \\"hi  there\\"" 'x  y' # not a comment for ssh`,
    );
    expect(resolve(config, entry('equals')).proxyCommand).toBe(
      'nc -X connect -x 192.0.2.0:8080 equals 22',
    );
  });

  it.skipIf(spawnSync('ssh', ['-V']).error !== undefined)(
    'reads each command as OpenSSH does (ssh -G)',
    () => {
      const commands = [
        `sh -c "echo \\"hi  there\\"" 'x  y' # trailing`,
        `printf '%%s\\n' "a\\\\b"   tab\there`,
        `ssh -o 'ProxyCommand=none' -W '[%%h]:%%p' bastion`,
      ];
      for (const command of commands) {
        const file = join(home.path, 'oracle');
        writeFileSync(file, `Host oracle\n  ProxyCommand ${command}\n`);
        const ssh = spawnSync('ssh', ['-G', '-F', file, 'oracle'], { encoding: 'utf8' });
        const line = ssh.stdout.split('\n').find((l) => l.startsWith('proxycommand '));
        // ssh -G prints it before token expansion; only %% differs after it.
        const asSsh = line?.slice('proxycommand '.length).replaceAll('%%', '%');
        expect(
          resolve(`Host oracle\n  ProxyCommand ${command}\n`, entry('oracle')).proxyCommand,
        ).toBe(asSsh);
      }
    },
  );

  it("expands OpenSSH's ProxyCommand tokens %h %n %p %r %k and %%, and refuses others", () => {
    const config = [
      'Host db1',
      '  HostName 10.1.2.3',
      '  Port 2200',
      '  User ops',
      '  ProxyCommand relay %h %n %p %r %k %%h 100%%',
      'Host home',
      '  ProxyCommand relay %d',
      'Host cut',
      '  ProxyCommand relay %',
      '',
    ].join('\n');
    expect(resolve(config, entry('db1')).proxyCommand).toBe(
      'relay 10.1.2.3 db1 2200 ops db1 %h 100%',
    );
    expect(refusal(config, entry('home'))).toBe(
      "unknown token '%d' in ProxyCommand in cfg (for home): use one of %h %k %n %p %r, or %% for a literal '%'",
    );
    expect(refusal(config, entry('cut'))).toMatch(
      /^unknown token '%' in ProxyCommand in cfg \(for cut\)/,
    );
  });

  it('follows the first of ProxyCommand and ProxyJump, none included', () => {
    const config = [
      'Host off',
      '  ProxyCommand none',
      'Host * !bastion',
      '  ProxyJump bastion',
      '  ProxyCommand not-used',
      '',
    ].join('\n');
    const off = resolve(config, entry('off'));
    expect([off.proxyCommand, off.proxyJump]).toEqual([undefined, []]);
    const other = resolve(config, entry('other'));
    expect(other.proxyCommand).toBeUndefined();
    expect(other.proxyJump.map((h) => h.alias)).toEqual(['bastion']);
  });

  it("applies to a ProxyJump list's first hop, which it reaches, and not to the later hops", () => {
    const config = [
      'Host inner',
      '  ProxyJump outer,middle',
      'Host outer',
      '  HostName 192.0.2.7',
      '  ProxyCommand ssh -W %h:%p gateway',
      'Host middle',
      '  ProxyCommand never-run %h',
      '',
    ].join('\n');
    const inner = resolve(config, entry('inner'));
    expect(inner.proxyCommand).toBeUndefined();
    expect(inner.proxyJump.map((h) => [h.alias, h.proxyCommand])).toEqual([
      ['outer', 'ssh -W 192.0.2.7:22 gateway'],
      ['middle', undefined],
    ]);
  });

  it('is read in included files too', async () => {
    const ssh = join(home.path, '.ssh');
    mkdirSync(ssh, { recursive: true });
    writeFileSync(join(ssh, 'bastions.conf'), 'Host behind\n  ProxyCommand ssh -W "%h:%p" gw\n');
    const main = join(ssh, 'config');
    writeFileSync(main, 'Include bastions.conf\n');
    const config = await loadSshConfig(main, home.path);
    const settings = resolveSshSettings(entry('behind'), { config, homeDir: home.path });
    expect(settings.proxyCommand).toBe('ssh -W "behind:22" gw');
  });

  it('is refused, with file and line, when it cannot work for lwt', () => {
    expect(refusal('Host *\n  ProxyCommand\n', entry('web1'))).toBe(
      'cfg:2: ProxyCommand without a command: write one, or none',
    );
    expect(refusal('Host *\n  ProxyCommand -\n', entry('web1'))).toBe(
      "web1: ProxyCommand in cfg (for web1) is '-' (the connection on ssh's own standard input " +
        'and output), which cannot serve many hosts: write a command, or use ProxyJump',
    );
    expect(refusal('Host *\n  ProxyCommand nc %h %p\n  ProxyUseFdpass yes\n', entry('web1'))).toBe(
      'web1: ProxyUseFdpass in cfg (for web1) asks the ProxyCommand to hand over a connected ' +
        'socket, which lwt cannot take: set ProxyUseFdpass no for lwt',
    );
  });
});

describe('names that would go into a ProxyCommand (CVE-2023-51385)', () => {
  const config = [
    'Host named*',
    '  HostName 10.0.0.9',
    '  ProxyCommand nc %h %p',
    'Host literal',
    '  ProxyCommand echo %%n %%r',
    'Host *',
    '  ProxyCommand ssh -l %r -W %n:%p gateway',
    '',
  ].join('\n');
  const source = { file: 'hosts', line: 3 };

  it('refuses a host whose name holds a shell metacharacter, naming it and the fix', () => {
    expect(refusal(config, entry('web;reboot', { source }))).toBe(
      "hosts:3: web;reboot: host 'web;reboot' would go into the ProxyCommand in cfg " +
        "(for web;reboot) as %n, and ';' is special to the shell: use a name without shell " +
        'metacharacters, spaces or control characters (OpenSSH 9.6 refuses them too)',
    );
    for (const [host, shown] of [
      ['web$(id)', "'$'"],
      ['web`id`', "'`'"],
      ['a|b', "'|'"],
      ['a,b', "','"],
      ["it's", `"'"`],
      ['-oops', "a leading '-'"],
      ['bell\u0007', 'the character \\x07'],
      ['tab\there', 'the character \\x09'],
    ]) {
      expect(refusal(config, entry(host as string))).toContain(` as %n, and ${shown} is special`);
    }
    expect(refusal(config, entry('bell\u0007'))).toContain("host 'bell\\x07'");
  });

  it('refuses a login with one (OpenSSH allows $, \\ and spaces there)', () => {
    expect(refusal(config, entry('web1', { user: 'bob;id' }))).toBe(
      "web1: user 'bob;id' would go into the ProxyCommand in cfg (for web1) as %r, and ';' is " +
        'special to the shell: use a login without shell metacharacters, spaces or control ' +
        'characters (OpenSSH 9.6 refuses them too)',
    );
    expect(refusal(config, entry('web1', { user: 'bob -x' }))).toContain("'-' after a blank");
    expect(refusal(config, entry('web1', { user: 'bob\\' }))).toContain("'\\' is special");
    for (const user of ['HOST$', 'DOMAIN\\bob', 'Bob Smith', 'o.k-user_1@corp']) {
      expect(resolve(config, entry('web1', { user })).proxyCommand).toBe(
        `ssh -l ${user} -W web1:22 gateway`,
      );
    }
  });

  it('checks only what is substituted: %h takes HostName, and %% is no token', () => {
    // The alias would be refused for %n; HostName is what %h gives.
    expect(resolve(config, entry('named;x')).proxyCommand).toBe('nc 10.0.0.9 22');
    const odd = 'Host *\n  HostName %h.internal\n  ProxyCommand nc %h %p\n';
    expect(refusal(odd, entry('a&b'))).toContain("host name 'a&b.internal'");
    expect(resolve(config, entry('literal', { user: 'x;y' })).proxyCommand).toBe('echo %n %r');
  });
});
