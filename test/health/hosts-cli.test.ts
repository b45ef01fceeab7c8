import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  deadHostAddress,
  sshdAvailable,
  startSshFleet,
  type SshFleet,
} from '../../src/testing/index.js';
import { runLwt as runWithInput, type StartOptions } from '../helpers/lwt-process.js';
import { MarkerRegistry, survivors, tempDir, waitFor } from '../helpers/processes.js';
import { startCountingHost, type CountingHost } from './counting-host.js';

interface HostJson {
  host: string;
  address: string;
  status: string;
  why: string;
  stage?: string;
  failed?: { threshold: string; message: string }[];
  figures?: Record<string, unknown>;
  history?: { status: string }[];
  stale?: boolean;
}
const jsonLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HostJson);
const byHost = (stdout: string) => new Map(jsonLines(stdout).map((h) => [h.host, h]));
const lines = (text: string) => text.split('\n').filter(Boolean);

// The check that web2 fails: every host here is this machine, told apart by the address
// sshd was reached at.
const FAILS_ON_WEB2 = 'case "$SSH_CONNECTION" in *" 127.0.0.101 "*) echo disk full; exit 3;; esac';

/**
 * `lwt hosts` and the available set as a user meets them (the built bin), against a real
 * OpenSSH sshd answering as web1-web4 (127.0.0.100-103), plus hosts that fail: frozen (never
 * speaks), reset (drops every connection), dead (refused).
 */
describe.skipIf(!sshdAvailable())('lwt hosts against a real sshd', { timeout: 180_000 }, () => {
  let fleet: SshFleet;
  let sshConfig: string;
  const bad: CountingHost[] = [];
  const dirs: ReturnType<typeof tempDir>[] = [];
  const markers = new MarkerRegistry();
  const burners: ChildProcess[] = [];

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 4, firstAddress: 100 });
    bad.push(
      await startCountingHost('127.0.0.150', 'frozen'),
      await startCountingHost('127.0.0.151', 'frozen'),
      await startCountingHost('127.0.0.152', 'reset'),
      await startCountingHost('127.0.0.153', 'reset'),
    );
    const dead = await deadHostAddress('127.0.0.154');
    const dir = tempDir();
    dirs.push(dir);
    // Names for people: web1-4 for the fleet, then the bad hosts; the fleet's own settings
    // (port, key, known_hosts) for everything else.
    const alias = (name: string, address: string, port?: number) =>
      `Host ${name}\n  HostName ${address}\n${port ? `  Port ${port}\n` : ''}`;
    sshConfig = join(dir.path, 'ssh_config');
    writeFileSync(
      sshConfig,
      [
        ...fleet.addresses.map((a, i) => alias(`web${i + 1}`, a)),
        alias('frozen1', bad[0]!.address, bad[0]!.port),
        alias('frozen2', bad[1]!.address, bad[1]!.port),
        alias('reset1', bad[2]!.address, bad[2]!.port),
        alias('reset2', bad[3]!.address, bad[3]!.port),
        alias('dead1', dead.address, dead.port),
        readFileSync(fleet.sshConfigPath, 'utf8').replace(/^Host .*$/m, 'Host *'),
      ].join(''),
    );
  });
  afterAll(async () => {
    for (const host of bad) await host.stop();
    await fleet?.stop();
    dirs.forEach((d) => d.remove());
  });
  afterEach(() => {
    for (const burner of burners.splice(0)) burner.kill('SIGKILL');
    expect(markers.reap()).toEqual([]);
  });

  /** A workspace: a folder with a hosts file (each fleet host with a home of its own). */
  function workspace(names: readonly string[], options: { missingHomes?: string[] } = {}) {
    const dir = tempDir();
    dirs.push(dir);
    const homeOf = (name: string) => join(dir.path, 'homes', name);
    const hostsLine = (name: string) => {
      if (!name.startsWith('web')) return name;
      if (!options.missingHomes?.includes(name)) mkdirSync(homeOf(name), { recursive: true });
      return `${name} home=${homeOf(name)}`;
    };
    const hostsFile = join(dir.path, 'hosts');
    const write = (list: readonly string[]) =>
      writeFileSync(hostsFile, list.map(hostsLine).join('\n') + '\n');
    write(names);
    const lwt = (args: readonly string[], extra: StartOptions = {}) => {
      // Before `--`: what follows it is the remote command.
      const end = args.includes('--') ? args.indexOf('--') : args.length;
      const full = [...args.slice(0, end), '-H', hostsFile, '-F', sshConfig, ...args.slice(end)];
      return runWithInput(full, {
        input: '',
        cwd: dir.path,
        // A machine shared with other test files can be slow; a hang is still caught.
        hangMs: 60_000,
        ...extra,
      });
    };
    return {
      dir: dir.path,
      homeOf,
      lwt,
      statePath: join(dir.path, '.lwt', 'hosts-state.json'),
      setHosts: write,
    };
  }

  const contacts = () => bad.map((h) => h.contacts());

  it('sorts candidates into available, unhealthy and unreachable, once each, and keeps that', async () => {
    const ws = workspace(['web1', 'web2', 'frozen1', 'frozen2', 'reset1', 'reset2', 'dead1']);
    const before = contacts();
    const check = ['hosts', 'check', '--connect-timeout', '2', '--check', FAILS_ON_WEB2];
    const r = await ws.lwt([...check, '--json']);
    expect(r.code).toBe(0);
    // Each bad host was tried exactly once, however it failed.
    expect(contacts().map((n, i) => n - before[i]!)).toEqual([1, 1, 1, 1]);
    expect(r.stderr).toMatch(
      /^lwt hosts check: 1 available, 1 unhealthy, 5 unreachable \(7 hosts in \d+\.\ds\); kept in .*\/\.lwt\/hosts-state\.json\n$/,
    );
    const hosts = byHost(r.stdout);
    expect([...hosts.keys()]).toEqual([
      'web1',
      'web2',
      'frozen1',
      'frozen2',
      'reset1',
      'reset2',
      'dead1',
    ]);
    const web1 = hosts.get('web1')!;
    expect(web1).toMatchObject({
      status: 'available',
      why: '',
      address: `root@127.0.0.100:${fleet.port}`,
    });
    expect(web1.figures).toMatchObject({ home: ws.homeOf('web1'), homeExists: true });
    for (const figure of [
      'hostname',
      'kernel',
      'cores',
      'load',
      'memAvailableBytes',
      'diskFreeBytes',
      'connectMs',
    ]) {
      expect(web1.figures).toHaveProperty(figure);
    }
    expect(hosts.get('web2')).toMatchObject({
      status: 'unhealthy',
      why: `check '${FAILS_ON_WEB2}' exited 3: disk full`,
      failed: [{ threshold: 'check' }],
    });
    expect(hosts.get('frozen1')).toMatchObject({ status: 'unreachable', stage: 'connect-timeout' });
    expect(hosts.get('frozen2')).toMatchObject({ status: 'unreachable', stage: 'connect-timeout' });
    expect(hosts.get('reset1')?.status).toBe('unreachable');
    expect(hosts.get('dead1')).toMatchObject({ status: 'unreachable', stage: 'refused' });
    expect(existsSync(ws.statePath)).toBe(true);

    // --strict: non-zero for cron, 4 when a host is unreachable.
    const strict = await ws.lwt([...check, '--strict']);
    expect(strict.code).toBe(4);
    expect(contacts().map((n, i) => n - before[i]!)).toEqual([2, 2, 2, 2]);
    // The table for people, with the history of both checks.
    const list = await ws.lwt(['hosts', 'list']);
    expect(list.code).toBe(0);
    expect(list.stderr).toBe('');
    const table = lines(list.stdout);
    expect(table[0]).toMatch(
      /^HOST +STATUS +AGE +CONNECT +LOAD +CORES +MEM FREE +DISK FREE +RECENT +WHY$/,
    );
    expect(table[1]).toMatch(/^web1 +available +\d+s +\d+ms +[\d.]+ +\d+ +\S+ +\S+ +\+\+$/);
    expect(table[2]).toMatch(/^web2 +unhealthy .* --  +check '.*' exited 3: disk full$/);
    expect(table[3]).toMatch(
      /^frozen1 +unreachable +\d+s +xx +timed out after 2\.0s while connecting$/,
    );
    expect(table[7]).toMatch(
      /^dead1 +unreachable +\d+s +xx +unreachable \(refused\): connect ECONNREFUSED/,
    );
    const listed = byHost((await ws.lwt(['hosts', 'list', '--json'])).stdout);
    expect(listed.get('web2')?.history?.map((h) => h.status)).toEqual(['unhealthy']);
    expect(listed.get('dead1')?.stale).toBe(false);
  });

  it('exit codes with --strict: 1 when a host is only unhealthy, 0 when all are available', async () => {
    const ws = workspace(['web1', 'web2']);
    const unhealthy = await ws.lwt(['hosts', 'check', '--strict', '--check', FAILS_ON_WEB2]);
    expect(unhealthy.code).toBe(1);
    const fine = await ws.lwt(['hosts', 'check', '--strict']);
    expect(fine.code).toBe(0);
    expect(fine.stderr).toMatch(/^lwt hosts check: 2 available \(2 hosts in/);
  });

  it('makes exec use the available hosts only, and says so; --all-candidates uses all', async () => {
    const ws = workspace(['web1', 'web2', 'frozen1', 'dead1']);
    await ws.lwt(['hosts', 'check', '--connect-timeout', '2', '--check', FAILS_ON_WEB2]);
    // A host new in the hosts file since the check: unchecked, so used.
    ws.setHosts(['web1', 'web2', 'frozen1', 'dead1', 'web3']);
    const frozenBefore = bad[0]!.contacts();

    const r = await ws.lwt(['exec', '--', 'echo hi']);
    expect(r.stderr).toContain('using 2 of 5');
    expect(r.code).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(['web1: hi', 'web3: hi']);
    expect(lines(r.stderr)).toEqual([
      'lwt: using 2 of 5 hosts: 3 not available, see lwt hosts list',
      expect.stringMatching(/^lwt exec: 2 ok \(2 hosts in /),
    ]);
    expect(bad[0]!.contacts()).toBe(frozenBefore);
    const list = byHost((await ws.lwt(['hosts', 'list', '--json'])).stdout);
    expect(list.get('web3')).toMatchObject({ status: 'unchecked', why: 'not checked yet' });

    const all = await ws.lwt([
      'exec',
      '--all-candidates',
      '--connect-timeout',
      '2',
      '--',
      'echo hi',
    ]);
    expect(all.code).toBe(4);
    expect(lines(all.stdout).sort()).toEqual(['web1: hi', 'web2: hi', 'web3: hi']);
    expect(all.stderr).not.toContain('using');
    expect(all.stderr).toMatch(/lwt exec: 3 ok, 1 timed out, 1 unreachable \(5 hosts in/);
    // One command, one try of the frozen host.
    expect(bad[0]!.contacts()).toBe(frozenBefore + 1);

    // A check older than --max-age is no reason to leave a host out.
    const old = await ws.lwt(['exec', '--max-age', '0', '--connect-timeout', '1', '--', 'true']);
    expect(old.stderr).not.toContain('using');
    expect(old.stderr).toMatch(/\(5 hosts in /);
    // A host named on its own is asked for: used, and the note says so.
    const named = await ws.lwt(['exec', '-w', 'web2', '--', 'echo named']);
    expect(named.code).toBe(0);
    expect(named.stdout).toBe('web2: named\n');
    expect(named.stderr).toContain(
      'lwt: using 1 of 1 hosts: 1 not available but named with -w, used anyway, see lwt hosts list',
    );
  });

  it('fails a host over the load threshold; thresholds come from .lwt/config.json, flags win', async () => {
    await ensureSomeLoad(burners);
    const ws = workspace(['web1']);
    mkdirSync(join(ws.dir, '.lwt'));
    writeFileSync(
      join(ws.dir, '.lwt', 'config.json'),
      JSON.stringify({ parallel: 8, 'max-load': 0 }),
    );
    const over = await ws.lwt(['hosts', 'check', '--json']);
    expect(over.code).toBe(0);
    const host = byHost(over.stdout).get('web1');
    expect(host).toMatchObject({ status: 'unhealthy', failed: [{ threshold: 'max-load' }] });
    expect(host?.why).toMatch(/^load \d+\.\d\d per core \(\d+\.\d\d on \d+\) > 0$/);
    const within = await ws.lwt(['hosts', 'check', '--json', '--max-load', '1000']);
    expect(byHost(within.stdout).get('web1')?.status).toBe('available');
  });

  it('measures put and get rates with --bandwidth and fails a host below a rate', async () => {
    const ws = workspace(['web1', 'web2']);
    const r = await ws.lwt(['hosts', 'check', '--json', '--bandwidth', '--bandwidth-size', '300K']);
    expect(r.code).toBe(0);
    for (const host of byHost(r.stdout).values()) {
      expect(host.status).toBe('available');
      expect(host.figures?.putBytesPerSecond).toBeGreaterThan(0);
      expect(host.figures?.getBytesPerSecond).toBeGreaterThan(0);
    }
    const table = await ws.lwt(['hosts', 'list']);
    expect(lines(table.stdout)[0]).toMatch(/ PUT +GET +RECENT$/);
    // A rate threshold implies the transfer test; 1000 TB/s is more than loopback does.
    const slow = await ws.lwt(['hosts', 'check', '--json', '--min-get-rate', '1000T']);
    const web1 = byHost(slow.stdout).get('web1');
    expect(web1).toMatchObject({ status: 'unhealthy', failed: [{ threshold: 'min-get-rate' }] });
    expect(web1?.why).toMatch(/^get rate [\d.]+[KMG]\/s < 1000T\/s$/);
    // The test file is gone from the hosts.
    for (const name of ['web1', 'web2']) {
      expect(readdirSync(ws.homeOf(name)).filter((f) => f.startsWith('.lwt-bandwidth'))).toEqual(
        [],
      );
    }
  });

  it('calls a host whose check hangs unhealthy, and stops the check', async () => {
    const ws = workspace(['web1']);
    const marker = markers.next();
    const r = await ws.lwt([
      'hosts',
      'check',
      '--json',
      '-t',
      '1',
      '--check',
      `echo ${marker}; sleep 1000.${marker}`,
      '--check',
      'true',
    ]);
    expect(r.code).toBe(0);
    expect(byHost(r.stdout).get('web1')).toMatchObject({
      status: 'unhealthy',
      why: `check 'echo ${marker}; sleep 1000.${marker}' did not finish within 1.0s; check 'true' did not run`,
    });
    expect(await survivors(marker, 5_000)).toEqual([]);
    // Nor is the file the probe kept the check's output in: the hosts' sessions have no
    // TMPDIR, so /tmp, which is this machine's.
    const leftovers = readdirSync('/tmp')
      .filter((name) => name.startsWith('lwt-probe-'))
      .filter((name) => readOrEmpty(join('/tmp', name)).includes(marker));
    expect(leftovers).toEqual([]);
  });

  it('deploy creates missing homes, which makes the hosts available, and is safe to repeat', async () => {
    const ws = workspace(['web1', 'web4'], { missingHomes: ['web4'] });
    const before = byHost((await ws.lwt(['hosts', 'check', '--json'])).stdout);
    expect(before.get('web4')).toMatchObject({
      status: 'unhealthy',
      why: `home ${ws.homeOf('web4')} does not exist (lwt hosts deploy creates it)`,
    });
    // Every candidate, the unavailable too: deploy is what fixes them.
    const first = await ws.lwt(['hosts', 'deploy']);
    expect(first.code).toBe(0);
    expect(lines(first.stdout).sort()).toEqual([
      `web1: exists ${ws.homeOf('web1')}`,
      `web4: created ${ws.homeOf('web4')}`,
    ]);
    const again = await ws.lwt(['hosts', 'deploy']);
    expect(lines(again.stdout).sort()).toEqual([
      `web1: exists ${ws.homeOf('web1')}`,
      `web4: exists ${ws.homeOf('web4')}`,
    ]);
    const after = byHost((await ws.lwt(['hosts', 'check', '--json'])).stdout);
    expect(after.get('web4')?.status).toBe('available');
  });

  it('stat shows a snapshot of each available host, busiest first', async () => {
    const ws = workspace(['web1', 'web2', 'web3']);
    await ws.lwt(['hosts', 'check', '--check', FAILS_ON_WEB2]);
    const r = await ws.lwt(['hosts', 'stat', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('lwt: using 2 of 3 hosts: 1 not available, see lwt hosts list\n');
    const rows = jsonLines(r.stdout) as unknown as {
      host: string;
      cores: number;
      user: string;
      all: { processes: number; cpuPercent: number; rssBytes: number };
      mine: { processes: number; cpuPercent: number; rssBytes: number };
      memUsedBytes: number;
    }[];
    expect(rows.map((row) => row.host).sort()).toEqual(['web1', 'web3']);
    for (const row of rows) {
      expect(row.user).toBe('root');
      expect(row.all.processes).toBeGreaterThan(0);
      expect(row.mine.processes).toBeGreaterThan(0);
      expect(row.memUsedBytes).toBeGreaterThan(0);
    }
    const perCore = rows.map((row) => row.all.cpuPercent / row.cores);
    expect(perCore).toEqual([...perCore].sort((a, b) => b - a));
    const table = await ws.lwt(['hosts', 'stat']);
    expect(lines(table.stdout)[0]).toMatch(
      /^HOST +CPU% +CORES +MEM USED +PROCS +USER +USER CPU% +USER MEM +USER PROCS$/,
    );
    expect(lines(table.stdout)).toHaveLength(3);
  });

  it.each([
    [
      ['hosts', 'check', '--max-age', '5x'],
      "lwt: --max-age must be a duration like 90s, 30m, 1h or 2d, got '5x'",
    ],
    [
      ['exec', '--max-age', '1w', '--', 'true'],
      "lwt: --max-age must be a duration like 90s, 30m, 1h or 2d, got '1w'",
    ],
    [
      ['hosts', 'check', '--max-lod', '1'],
      'lwt: unknown option --max-lod: lwt hosts check --help lists what it takes',
    ],
    [
      ['hosts', 'check', '--max-load', 'high'],
      'lwt: --max-load must be a load per core of 0 or more, like 1.5',
    ],
    [
      ['hosts', 'check', '--min-free-disk', '5Q'],
      "lwt: --min-free-disk must be a size like 500M, 2G or 1048576 (bytes), got '5Q'",
    ],
    [['hosts', 'check', '--check', ' '], 'lwt: --check was given an empty command'],
    // What was typed, not NaN: the numeric options have no yargs type (src/cli/options.ts).
    [
      ['exec', '-t', 'soon', '--', 'true'],
      "lwt: --timeout must be a number of seconds, 0 or more, got 'soon'",
    ],
    [
      ['exec', '-p', 'all', '--', 'true'],
      "lwt: --parallel must be a whole number of 1 or more, got 'all'",
    ],
    [
      ['put', '--connect-timeout', '5s', 'hosts', 'x'],
      "lwt: --connect-timeout must be a number of seconds, 0 or more, got '5s'",
    ],
    [
      ['get', '-t', '-1', 'x', 'out'],
      "lwt: --timeout must be a number of seconds, 0 or more, got '-1'",
    ],
    [
      ['hosts', 'stat', '--timeout=ten'],
      "lwt: --timeout must be a number of seconds, 0 or more, got 'ten'",
    ],
    [
      ['hosts', 'check', '-p', '1.5'],
      "lwt: --parallel must be a whole number of 1 or more, got '1.5'",
    ],
    // An option that takes a value, given without one, is not read as its default.
    [['exec', 'true', '-t'], 'lwt: -t needs a value'],
    [['put', 'x', 'y', '--connect-timeout'], 'lwt: --connect-timeout needs a value'],
    [['get', '-H', '--', 'x', 'out'], 'lwt: -H needs a value'],
    [['hosts', 'check', '--check'], 'lwt: --check needs a value'],
    [['hosts', 'chek'], "lwt: unknown command 'hosts chek': lwt hosts --help lists them"],
  ])('lwt %j is a usage error: one line, exit 2', async (args, message) => {
    const ws = workspace(['web1']);
    const r = await ws.lwt(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.stdout).toBe('');
  });

  it('names the config file when a threshold there is wrong', async () => {
    const ws = workspace(['web1']);
    mkdirSync(join(ws.dir, '.lwt'));
    const config = join(ws.dir, '.lwt', 'config.json');
    writeFileSync(config, '{"min-free-disk": "lots"}');
    const r = await ws.lwt(['hosts', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `lwt: ${config}: 'min-free-disk' must be like "500M", "2G" or 1048576 (bytes), got "lots"\n`,
    );
  });
});

/**
 * `--max-load 0` fails a host only when its load average is above 0.00, which an idle machine
 * can show: keep a core busy until /proc/loadavg moves (it updates every 5 s).
 */
async function ensureSomeLoad(burners: ChildProcess[]): Promise<void> {
  const load1 = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  if (load1() > 0.05) return;
  burners.push(spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
  expect(await waitFor(() => load1() > 0.05, 20_000)).toBe(true);
}

/** A file's text, or '' if it went meanwhile (other tests' probes come and go). */
function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
