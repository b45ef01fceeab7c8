import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deadHostAddress,
  sshdAvailable,
  startFrozenHost,
  startSshFleet,
  TEST_USER,
  type FrozenHost,
  type SshFleet,
} from '../../src/testing/index.js';
import { runLwt as runWithInput, startLwt, type StartOptions } from '../helpers/lwt-process.js';
import { waitFor } from '../helpers/processes.js';
import { makeRunId } from '../../src/files/leftovers.js';

// lwt reads a piped stdin whole before it starts: give it an empty one.
const runLwt = (args: readonly string[], options: StartOptions = {}) =>
  runWithInput(args, { input: '', hangMs: 60_000, ...options });

/** Every file, link and folder under `root`: path -> "file <mode> <sha256>", "link <target>", "dir <mode>". */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      const info = lstatSync(path);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) out[rel] = `link ${readlinkSync(path)}`;
      else if (info.isDirectory()) {
        out[rel] = `dir ${mode}`;
        walk(path);
      } else {
        const sum = createHash('sha256').update(readFileSync(path)).digest('hex');
        out[rel] = `file ${mode} ${sum} ${Math.floor(info.mtimeMs / 1000)}`;
      }
    }
  };
  walk(root);
  return out;
}

interface JsonLine {
  host: string;
  stderr: string;
  files: { filesCopied: number; bytesCopied: number; filesSkipped: number };
  outcome: { kind: string; stage?: string; message?: string };
}
const jsonLines = (stdout: string): JsonLine[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JsonLine)
    .sort((a, b) => a.host.localeCompare(b.host));
/** Each host's [files copied, files skipped] in a --json run's output. */
const copiedAndSkipped = (stdout: string) =>
  jsonLines(stdout).map((l) => [l.files.filesCopied, l.files.filesSkipped]);

/** A tree with modes, an empty folder, a link, an odd name, a file big enough for SFTP. */
function makeTree(root: string): void {
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o750);
  writeFileSync(join(root, 'sub', `it's a "quoted" name.txt`), 'odd name\n');
  writeFileSync(join(root, 'sub', 'deeper', 'secret'), 'keep me private\n');
  chmodSync(join(root, 'sub', 'deeper', 'secret'), 0o600);
  chmodSync(join(root, 'sub'), 0o711);
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(3_000_000, 7));
  symlinkSync('run.sh', join(root, 'link-to-run'));
  for (let i = 0; i < 50; i++) writeFileSync(join(root, 'sub', `small-${i}`), `file ${i}\n`);
  // An mtime in the past, as a build output has: the copy must carry it.
  utimesSync(join(root, 'run.sh'), 1_600_000_000, 1_600_000_000);
}

describe.skipIf(!sshdAvailable())('lwt put and get against a real sshd', () => {
  let fleet: SshFleet;
  let work: string;
  let hostsFile: string;
  const homes: string[] = [];
  const ssh = () => ['-F', fleet.sshConfigPath, '-H', hostsFile, '--all-candidates'];

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 3, firstAddress: 200 });
    work = mkdtempSync(join(tmpdir(), 'lwt-files-'));
    // Loopback hosts share one file system: each gets its own home, where a relative REMOTE goes.
    const lines = fleet.addresses.map((address, i) => {
      homes.push(join(work, `home${i}`));
      return `${address} home=${homes[i]}`;
    });
    hostsFile = join(work, 'hosts');
    writeFileSync(hostsFile, lines.join('\n') + '\n');
    makeTree(join(work, 'src'));
  });
  afterAll(async () => {
    await fleet?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('puts a nested tree byte-identical to every host, then a second run sends nothing', async () => {
    const first = await runLwt(['put', ...ssh(), '--json', join(work, 'src'), 'app']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(
      /^lwt put: 3 ok \(3 hosts in \d+\.\ds\); 165 files copied \(9\.\d+ MB, [^)]+\), 0 unchanged \(0 B\)\n$/,
    );
    const expected = snapshot(join(work, 'src'));
    expect(Object.keys(expected)).toContain(`sub/it's a "quoted" name.txt`);
    for (const home of homes) expect(snapshot(join(home, 'app'))).toEqual(expected);
    const counts = jsonLines(first.stdout).map((l) => l.files.filesCopied);
    expect(counts).toEqual([55, 55, 55]);

    const second = await runLwt(['put', ...ssh(), '--json', join(work, 'src'), 'app']);
    expect(second.code).toBe(0);
    expect(copiedAndSkipped(second.stdout)).toEqual([
      [0, 55],
      [0, 55],
      [0, 55],
    ]);
    for (const home of homes) expect(snapshot(join(home, 'app'))).toEqual(expected);
  });

  it('sees every file of a folder longer than one SFTP reply: a second run sends nothing', async () => {
    // OpenSSH's sftp-server answers a folder read with up to 100 entries.
    const wide = join(work, 'wide');
    mkdirSync(join(wide, 'flat'), { recursive: true });
    for (let i = 0; i < 250; i++) writeFileSync(join(wide, 'flat', `f${i}`), `${i}\n`);
    const first = await runLwt(['put', ...ssh(), '--json', wide, 'wide']);
    expect(first.code).toBe(0);
    expect(jsonLines(first.stdout).map((l) => l.files.filesCopied)).toEqual([250, 250, 250]);
    const second = await runLwt(['put', ...ssh(), '--json', wide, 'wide']);
    expect(second.code).toBe(0);
    expect(copiedAndSkipped(second.stdout)).toEqual([
      [0, 250],
      [0, 250],
      [0, 250],
    ]);
  });

  it('one file becomes REMOTE, or goes under its own name into REMOTE when that is a folder', async () => {
    const file = join(work, 'src', 'run.sh');
    const text = readFileSync(file, 'utf8');
    // A name in folders that do not exist yet: they are made.
    const named = await runLwt(['put', ...ssh(), file, 'single/new/deploy.sh']);
    expect(named.code).toBe(0);
    // A folder that exists: the file keeps its name in it.
    const into = await runLwt(['put', ...ssh(), file, 'single/new']);
    expect(into.code).toBe(0);
    // A file that exists: replaced.
    writeFileSync(join(homes[0] as string, 'single', 'old.sh'), 'old\n');
    const over = await runLwt(['put', ...ssh(), file, 'single/old.sh']);
    expect(over.code).toBe(0);
    for (const home of homes) {
      expect(readdirSync(join(home, 'single', 'new')).sort()).toEqual(['deploy.sh', 'run.sh']);
      for (const path of ['new/deploy.sh', 'new/run.sh', 'old.sh']) {
        expect(readFileSync(join(home, 'single', path), 'utf8')).toBe(text);
        expect(lstatSync(join(home, 'single', path)).mode & 0o777).toBe(0o750);
      }
    }
  });

  it('puts hidden files and names that start with two dots, in leaf and parent folders', async () => {
    const src = join(work, 'dotted');
    mkdirSync(join(src, 'leaf'), { recursive: true });
    for (const dir of [src, join(src, 'leaf')]) {
      for (const name of ['.hidden', '..two-dots', '...three', 'plain', '-dash', '*star']) {
        writeFileSync(join(dir, name), `${name}\n`);
      }
    }
    mkdirSync(join(src, 'only-dots'));
    writeFileSync(join(src, 'only-dots', '.profile'), 'x\n');
    const r = await runLwt(['put', ...ssh(), src, 'dotted']);
    expect(r.code).toBe(0);
    for (const home of homes) expect(snapshot(join(home, 'dotted'))).toEqual(snapshot(src));
  });

  it('--checksum sends only what differs in content; --force sends all', async () => {
    await runLwt(['put', ...ssh(), join(work, 'src'), 'sums']);
    // Same size, same mtime, other content: the quick check cannot see it, --checksum can.
    const changed = join(homes[1] as string, 'sums', 'sub', 'small-3');
    const before = lstatSync(changed);
    writeFileSync(changed, 'file X\n');
    utimesSync(changed, before.atime, before.mtime);
    const quick = await runLwt(['put', ...ssh(), '--json', join(work, 'src'), 'sums']);
    expect(jsonLines(quick.stdout).map((l) => l.files.filesCopied)).toEqual([0, 0, 0]);
    const sums = await runLwt(['put', ...ssh(), '--json', '--checksum', join(work, 'src'), 'sums']);
    expect(jsonLines(sums.stdout).map((l) => l.files.filesCopied)).toEqual([0, 1, 0]);
    expect(readFileSync(changed, 'utf8')).toBe('file 3\n');
    const forced = await runLwt(['put', ...ssh(), '--json', '--force', join(work, 'src'), 'sums']);
    expect(jsonLines(forced.stdout).map((l) => l.files.filesCopied)).toEqual([55, 55, 55]);
  });

  it('gets a folder from every host into LOCALDIR/<host>/', async () => {
    await runLwt(['put', ...ssh(), join(work, 'src'), 'fetchme']);
    const into = join(work, 'got');
    const r = await runLwt(['get', ...ssh(), 'fetchme', into]);
    expect(r.code).toBe(0);
    expect(readdirSync(into).sort()).toEqual([...fleet.addresses].sort());
    const expected = snapshot(join(work, 'src'));
    for (const address of fleet.addresses) {
      expect(snapshot(join(into, address, 'fetchme'))).toEqual(expected);
    }
    const again = await runLwt(['get', ...ssh(), '--json', 'fetchme', into]);
    expect(jsonLines(again.stdout).map((l) => l.files.filesCopied)).toEqual([0, 0, 0]);
    // Same size and mtime, other content: only --checksum sees it.
    const [first] = [...fleet.addresses].sort() as [string];
    const changed = join(into, first, 'fetchme', 'sub', 'small-7');
    const before = lstatSync(changed);
    writeFileSync(changed, 'file Y\n');
    utimesSync(changed, before.atime, before.mtime);
    const quick = await runLwt(['get', ...ssh(), '--json', 'fetchme', into]);
    expect(jsonLines(quick.stdout).map((l) => l.files.filesCopied)).toEqual([0, 0, 0]);
    const sums = await runLwt(['get', ...ssh(), '--json', '--checksum', 'fetchme', into]);
    expect(sums.code).toBe(0);
    expect(copiedAndSkipped(sums.stdout)).toEqual([
      [1, 54],
      [0, 55],
      [0, 55],
    ]);
    expect(readFileSync(changed, 'utf8')).toBe('file 7\n');
  });

  it('scatters DIR/<host>/ with --per-host, skipping hosts without a folder', async () => {
    const dir = join(work, 'per');
    const [a, b] = fleet.addresses as [string, string];
    mkdirSync(join(dir, a), { recursive: true });
    mkdirSync(join(dir, b), { recursive: true });
    mkdirSync(join(dir, 'no-such-host'));
    writeFileSync(join(dir, a, 'mine'), `for ${a}\n`);
    writeFileSync(join(dir, b, 'mine'), `for ${b}\n`);
    const r = await runLwt(['put', '--per-host', ...ssh(), dir, 'scatter']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(homes[0] as string, 'scatter', 'mine'), 'utf8')).toBe(`for ${a}\n`);
    expect(readFileSync(join(homes[1] as string, 'scatter', 'mine'), 'utf8')).toBe(`for ${b}\n`);
    expect(existsSync(join(homes[2] as string, 'scatter'))).toBe(false);
    expect(r.stderr).toContain(`${join(dir, 'no-such-host')} names no selected host`);
    expect(r.stderr).toContain(`${fleet.addresses[2]}: skipped: no folder`);
    expect(r.stderr).toMatch(/lwt put: 2 ok, 1 skipped/);
  });

  it('scatters big files of random bytes, different on every host, each intact', async () => {
    // ssh2's write requests and packets come from one buffer pool for all hosts
    // (patches/ssh2+1.17.0.patch): a buffer handed out again too early would put one host's
    // bytes, or an earlier request's, into another's file. Random bytes, so no two chunks match.
    const dir = join(work, 'per-big');
    const sums = new Map<string, string>();
    for (const address of fleet.addresses) {
      mkdirSync(join(dir, address, 'parts'), { recursive: true });
      for (const [name, size] of [
        ['a.bin', 5_000_000],
        ['parts/b.bin', 3_333_333],
        ['parts/c.bin', 700_001],
      ] as const) {
        const bytes = randomBytes(size);
        writeFileSync(join(dir, address, name), bytes);
        sums.set(`${address}/${name}`, createHash('sha256').update(bytes).digest('hex'));
      }
    }
    const r = await runLwt(['put', '--per-host', ...ssh(), dir, 'scatter-big']);
    expect(r.code).toBe(0);
    fleet.addresses.forEach((address, i) => {
      for (const name of ['a.bin', 'parts/b.bin', 'parts/c.bin']) {
        const there = readFileSync(join(homes[i] as string, 'scatter-big', name));
        expect(createHash('sha256').update(there).digest('hex')).toBe(
          sums.get(`${address}/${name}`),
        );
      }
    });
  });

  it('refuses bad input with one line and exit 2, sending nothing', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const empty = join(work, 'no-hosts-here');
    mkdirSync(join(empty, 'stranger'), { recursive: true });
    const cases: [string[], RegExp][] = [
      [['put', ...ssh(), join(work, 'missing'), 'nothing'], /missing: no such file or folder/],
      [['get', ...ssh(), 'app', file], /a-file: is a file: LOCALDIR must be a folder/],
      [
        ['get', ...ssh(), 'app', join(file, 'under')],
        /^lwt: LOCALDIR .*a-file: not a folder \(a file is in the way\)\n$/,
      ],
      [
        ['get', ...ssh(), 'app', '/proc/lwt-get'],
        /^lwt: LOCALDIR \/proc\/lwt-get: cannot make the folder: no such file or directory\n$/,
      ],
      [['put', ...ssh(), join(work, 'src'), ''], /REMOTE is empty/],
      [['put', '--per-host', ...ssh(), empty, 'nothing'], /no folder named after a selected host/],
    ];
    for (const [args, message] of cases) {
      const r = await runLwt(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    for (const home of homes) expect(existsSync(join(home, 'nothing'))).toBe(false);
  });

  it('a connection killed mid-transfer leaves no file under the final name', async () => {
    const big = join(work, 'huge.bin');
    // Big enough that the transfer is still running when the connection is killed.
    writeFileSync(big, Buffer.alloc(200 * 1024 * 1024, 1));
    const dest = join(homes[0] as string, 'killed');
    mkdirSync(dest, { recursive: true });
    try {
      const running = startLwt(
        ['put', ...ssh(), '-w', fleet.addresses[0] as string, big, 'killed/huge.bin'],
        { input: '', hangMs: 60_000 },
      );
      const started = await waitFor(
        () => readdirSync(dest).some((n) => n.includes('.lwt-')),
        30_000,
      );
      expect(started).toBe(true);
      await fleet.killConnections();
      const r = await running.done;
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/unreachable \(reset\): connection lost during the transfer/);
      expect(existsSync(join(dest, 'huge.bin'))).toBe(false);
      // The dead run's temporary file is still there; the next put to that folder removes it.
      expect(readdirSync(dest).filter((n) => n.includes('.lwt-'))).toHaveLength(1);
      const next = await runLwt([
        'put',
        ...ssh(),
        '-w',
        fleet.addresses[0] as string,
        join(work, 'src', 'run.sh'),
        'killed/',
      ]);
      expect(next.code).toBe(0);
      expect(readdirSync(dest)).toEqual(['run.sh']);
    } finally {
      rmSync(big, { force: true });
    }
  });

  it("removes leftovers of dead runs of this machine, keeps other runs' recent ones", async () => {
    const dest = join(homes[2] as string, 'stale');
    mkdirSync(join(dest, 'sub'), { recursive: true });
    const dead = deadPid();
    const deadRun = makeRunId().replace(/-\d+-/, `-${dead}-`);
    const liveRun = makeRunId(); // this test's own pid: alive
    const elsewhere = `abcdef-${dead}-0badc0de`; // another machine's run: cannot tell if it lives
    const tag = deadRun.slice(0, 6);
    const foreign = tag === 'abcdef' ? elsewhere.replace('abcdef', 'abcdee') : elsewhere;
    mkdirSync(join(dest, `.lwt-${deadRun}-0`, 'sub'), { recursive: true });
    writeFileSync(join(dest, `.lwt-${deadRun}-0`, 'sub', 'half'), 'half');
    writeFileSync(join(dest, 'sub', `.small-1.lwt-${deadRun}`), 'half');
    writeFileSync(join(dest, `.run.sh.lwt-${liveRun}`), 'in progress');
    writeFileSync(join(dest, `.run.sh.lwt-${foreign}`), 'in progress elsewhere');
    // An old mtime does not make it idle: its ctime (just now) does not lie.
    writeFileSync(join(dest, 'sub', `.small-2.lwt-${foreign}`), 'elsewhere, old mtime');
    utimesSync(join(dest, 'sub', `.small-2.lwt-${foreign}`), 1_600_000_000, 1_600_000_000);
    writeFileSync(join(dest, '.lwt-notours'), 'a user file');
    writeFileSync(join(dest, 'sub', 'keep.lwt-x'), 'a user file');
    const r = await runLwt([
      'put',
      ...ssh(),
      '-w',
      fleet.addresses[2] as string,
      join(work, 'src'),
      'stale',
    ]);
    expect(r.code).toBe(0);
    const names = readdirSync(dest).filter((n) => n.includes('lwt'));
    expect(names.sort()).toEqual(
      ['.lwt-notours', `.run.sh.lwt-${liveRun}`, `.run.sh.lwt-${foreign}`].sort(),
    );
    expect(
      readdirSync(join(dest, 'sub'))
        .filter((n) => n.includes('lwt'))
        .sort(),
    ).toEqual([`.small-2.lwt-${foreign}`, 'keep.lwt-x'].sort());
  });

  it('a host frozen mid-transfer ends in a timeout at the deadline (-t)', async () => {
    const big = join(work, 'huge2.bin');
    writeFileSync(big, Buffer.alloc(200 * 1024 * 1024, 2));
    const dest = join(homes[1] as string, 'frozen');
    mkdirSync(dest, { recursive: true });
    let stopped: number[] = [];
    try {
      const running = startLwt(
        ['put', ...ssh(), '-w', fleet.addresses[1] as string, '-t', '3', big, 'frozen/huge.bin'],
        { input: '', hangMs: 60_000 },
      );
      expect(await waitFor(() => readdirSync(dest).some((n) => n.includes('.lwt-')), 30_000)).toBe(
        true,
      );
      // The host's sshd stops answering, with the TCP connection still up: SFTP callbacks never come.
      stopped = sessionTree(await fleet.connectionPids());
      for (const pid of stopped) process.kill(pid, 'SIGSTOP');
      const r = await running.done;
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/timed out after 3\.0s/);
      expect(existsSync(join(dest, 'huge.bin'))).toBe(false);
    } finally {
      for (const pid of stopped) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // Already gone.
        }
      }
      rmSync(big, { force: true });
    }
  });

  it('dead and frozen hosts are unreachable or time out, the others get their files', async () => {
    let frozen: FrozenHost | undefined;
    try {
      frozen = await startFrozenHost('127.0.0.240');
      const dead = await deadHostAddress('127.0.0.241');
      const r = await runLwt([
        'put',
        ...ssh(),
        '--connect-timeout',
        '2',
        '-w',
        `${fleet.addresses[2]},root@${dead.address}:${dead.port},root@${frozen.address}:${frozen.port}`,
        join(work, 'src', 'run.sh'),
        join(homes[2] as string, 'deadcase', 'run.sh'),
      ]);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/unreachable \(refused\)/);
      expect(r.stderr).toMatch(/timed out after 2\.0s while connecting/);
      expect(readFileSync(join(homes[2] as string, 'deadcase', 'run.sh'), 'utf8')).toBe(
        '#!/bin/sh\necho hi\n',
      );
    } finally {
      await frozen?.stop();
    }
  });

  it('a full disk fails with "no space left on device" and leaves no partial file', async (context) => {
    const mountPoint = join(work, 'tiny');
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], {
        stdio: 'ignore',
      });
    } catch {
      context.skip(); // Only where mounting is impossible (not root, no CAP_SYS_ADMIN).
      return;
    }
    try {
      const big = join(work, 'two-mb.bin');
      writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 3));
      const viaSftp = await runLwt([
        'put',
        ...ssh(),
        '-w',
        fleet.addresses[0] as string,
        big,
        join(mountPoint, 'big.bin'),
      ]);
      expect(viaSftp.code).toBe(1);
      expect(viaSftp.stderr).toContain(`${join(mountPoint, 'big.bin')}: no space left on device`);
      // Many small files: the tar path.
      const many = join(work, 'many');
      mkdirSync(many);
      for (let i = 0; i < 40; i++) writeFileSync(join(many, `f${i}`), Buffer.alloc(60_000, i));
      const viaTar = await runLwt([
        'put',
        ...ssh(),
        '-w',
        fleet.addresses[0] as string,
        many,
        join(mountPoint, 'many'),
      ]);
      expect(viaTar.code).toBe(1);
      expect(viaTar.stderr).toMatch(/no space left on device/i);
      // Nothing half-written under a final name, and no staging or temporary file left.
      expect(readdirSync(mountPoint).sort()).toEqual(['many']);
      for (const name of readdirSync(join(mountPoint, 'many'))) {
        expect(lstatSync(join(mountPoint, 'many', name)).size).toBe(60_000);
      }
      // Small files land (tar), then the big one does not fit: the host fails part-way and
      // still tells what it sent.
      rmSync(join(mountPoint, 'many'), { recursive: true });
      const mixed = join(work, 'mixed');
      mkdirSync(mixed);
      for (let i = 0; i < 10; i++) writeFileSync(join(mixed, `s${i}`), Buffer.alloc(10_000, i));
      writeFileSync(join(mixed, 'big.bin'), Buffer.alloc(2 * 1024 * 1024, 5));
      const partial = await runLwt([
        'put',
        ...ssh(),
        '--json',
        '-w',
        fleet.addresses[0] as string,
        mixed,
        join(mountPoint, 'mixed'),
      ]);
      expect(partial.code).toBe(1);
      const [line] = jsonLines(partial.stdout) as [JsonLine];
      expect(line.outcome).toEqual({
        kind: 'error',
        message: `${join(mountPoint, 'mixed', 'big.bin')}: no space left on device`,
      });
      expect([line.files.filesCopied, line.files.bytesCopied]).toEqual([10, 100_000]);
      expect(readdirSync(join(mountPoint, 'mixed')).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `s${i}`).sort(),
      );
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });
});

describe.skipIf(!sshdAvailable())('lwt put as a user who may not write there', () => {
  let fleet: SshFleet;
  let work: string;

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 1, user: 'nonroot', firstAddress: 230 });
    work = mkdtempSync(join(tmpdir(), 'lwt-files-ro-'));
    chmodSync(work, 0o755);
  });
  afterAll(async () => {
    await fleet?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('reports permission denied with the path', async () => {
    const locked = join(work, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555); // root's, and not writable for anyone else
    const src = join(work, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a'), 'a\n');
    const r = await runLwt([
      'put',
      '-F',
      fleet.sshConfigPath,
      '-w',
      fleet.addresses[0] as string,
      src,
      join(locked, 'app'),
    ]);
    expect(fleet.user).toBe(TEST_USER);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(locked, 'app')}: permission denied`);
    expect(r.stderr).toMatch(/lwt put: 0 ok, 1 failed/);
    expect(readdirSync(locked)).toEqual([]);
    const json = await runLwt([
      'put',
      '--json',
      '-F',
      fleet.sshConfigPath,
      '-w',
      fleet.addresses[0] as string,
      src,
      join(locked, 'app'),
    ]);
    expect(json.code).toBe(1);
    const line = JSON.parse(json.stdout) as { outcome: unknown; stderr: string };
    expect(line.outcome).toEqual({
      kind: 'error',
      message: `${join(locked, 'app')}: permission denied`,
    });
    expect(line.stderr).toBe('');
  });
});

/** A pid that no process has now (a child that has exited and been reaped). */
function deadPid(): number {
  return Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
}

/** The connection pids and all their descendants. */
function sessionTree(roots: readonly number[]): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of table) {
      if (out.has(ppid) && !out.has(pid)) {
        out.add(pid);
        grew = true;
      }
    }
  }
  return [...out];
}
