import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailable, startSshFleet, type SshFleet } from '../../src/testing/index.js';
import { bins, repoRoot, runLwt, startLwt } from '../helpers/lwt-process.js';
import { MarkerRegistry, survivors, tempDir, waitFor } from '../helpers/processes.js';

/** The MAX_LINE_BYTES of the fleet layer: a longer line is printed in pieces of this size. */
const PIECE = 64 * 1024;

/**
 * Runs the built lwt with its stdout counted, not kept (it may print hundreds of megabytes),
 * and its peak memory read from /proc while it runs.
 */
function runCounting(args: readonly string[]): Promise<{
  code: number | null;
  stdoutBytes: number;
  longestLine: number;
  linesNotPrefixed: number;
  peakRssKb: number;
  stderr: string;
}> {
  const child = spawn(process.execPath, [bins.lwt, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdoutBytes = 0;
  let longestLine = 0;
  let current = 0;
  let linesNotPrefixed = 0;
  let atLineStart = true;
  let stderr = '';
  const prefix = Buffer.from(args[args.indexOf('-w') + 1] + ': ');
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    let from = 0;
    for (let nl = chunk.indexOf(10); ; nl = chunk.indexOf(10, from)) {
      if (atLineStart && !chunk.subarray(from, from + prefix.length).equals(prefix)) {
        // A prefix cut by a chunk boundary is checked loosely: only its first byte.
        if (chunk.length - from >= prefix.length || chunk[from] !== prefix[0]) linesNotPrefixed++;
      }
      const end = nl === -1 ? chunk.length : nl;
      current += end - from;
      if (nl === -1) {
        atLineStart = false;
        break;
      }
      longestLine = Math.max(longestLine, current);
      current = 0;
      from = nl + 1;
      atLineStart = true;
      if (from >= chunk.length) break;
    }
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let peakRssKb = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peakRssKb = Math.max(peakRssKb, hwm);
    } catch {
      // Gone: the last sample stands.
    }
  }, 50);
  return new Promise((resolve, reject) => {
    const hang = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      clearTimeout(hang);
      resolve({ code, stdoutBytes, longestLine, linesNotPrefixed, peakRssKb, stderr });
    });
  });
}

/**
 * What a host prints reaches the user as it comes, in bounded memory, whatever its size and
 * however long its lines: the built bin against a real sshd.
 */
describe.skipIf(!sshdAvailable())('lwt exec output, streamed', () => {
  let fleet: SshFleet;
  const markers = new MarkerRegistry();
  const ssh = () => ['-F', fleet.sshConfigPath];

  beforeAll(async () => {
    fleet = await startSshFleet({ hosts: 2, firstAddress: 70 });
  });
  afterAll(async () => {
    await fleet?.stop();
  });
  afterEach(() => {
    expect(markers.reap()).toEqual([]);
  });

  it('prints 100 MB without a newline in prefixed pieces of 64 KiB, holding none of it whole', async () => {
    const bytes = 100_000_000;
    const r = await runCounting([
      'exec',
      ...ssh(),
      '-w',
      '127.0.0.70',
      '--',
      `head -c ${bytes} /dev/zero | tr '\\0' a`,
    ]);
    expect(r.stderr).toMatch(/1 ok/);
    expect(r.code).toBe(0);
    const pieces = Math.ceil(bytes / PIECE);
    expect(r.stdoutBytes).toBe(bytes + pieces * ('127.0.0.70: '.length + 1));
    expect(r.longestLine).toBe(PIECE + '127.0.0.70: '.length);
    expect(r.linesNotPrefixed).toBe(0);
    // Held whole, 100 MB would cost at least that much; streamed, a fraction.
    expect(r.peakRssKb).toBeGreaterThan(0);
    expect(r.peakRssKb).toBeLessThan(200 * 1024);
  });

  it('prints each line as it arrives, before the command ends', async () => {
    const marker = markers.next();
    const run = startLwt(
      ['exec', ...ssh(), '-w', '127.0.0.70', '--', `echo first; sleep 1000.${marker}`],
      { input: '' },
    );
    try {
      expect(await waitFor(() => run.stdout().includes('127.0.0.70: first\n'), 15_000)).toBe(true);
    } finally {
      run.child.kill('SIGINT');
    }
    expect((await run.done).code).toBe(130);
    expect(await survivors(marker)).toEqual([]);
  });

  it('acts on SIGTERM within moments while a host floods it with output, and stops the remote tree', async () => {
    const marker = markers.next();
    // `yes` with the marker as its word: the flood itself is the tree to stop.
    const child = spawn(
      process.execPath,
      [bins.lwt, 'exec', ...ssh(), '-w', '127.0.0.70', '--', `yes ${marker} | tr -d '\\n'`],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let printed = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (printed += chunk.length));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const hang = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      expect(await waitFor(() => printed > 10_000_000, 30_000)).toBe(true);
      const sent = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      // The hang guard of the issue: it used to spin for ever; a loaded CI machine gets slack.
      expect(Date.now() - sent).toBeLessThan(20_000);
    } finally {
      clearTimeout(hang);
    }
    expect(stderr).toMatch(/lwt: terminated; stopping/);
    expect(stderr).toMatch(/1 canceled/);
    expect(await survivors(marker)).toEqual([]);
  });

  it('stops the run and exits 141, without a stack trace, when its reader goes away (| head)', async () => {
    const marker = markers.next();
    const child = spawn(
      process.execPath,
      [bins.lwt, 'exec', '-n', ...ssh(), '-w', '127.0.0.[70-71]', '--', `yes ${marker}`],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const hang = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      // As `head -2` does: read a little, then close the pipe.
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      child.stdout.destroy();
      expect(await exited).toBe(141);
    } finally {
      clearTimeout(hang);
    }
    expect(stderr).not.toMatch(/EPIPE|at .*\(|internal error/);
    expect(stderr).toMatch(/2 canceled \(2 hosts in [\d.]+s, interrupted\)/);
    expect(await survivors(marker)).toEqual([]);
  });

  it('makes a host wait while its reader does not read, as under ssh, rather than holding its output', async () => {
    const out = tempDir();
    const done = join(out.path, 'done');
    const bytes = 50_000_000;
    const child = spawn(
      process.execPath,
      [
        bins.lwt,
        'exec',
        ...ssh(),
        '-w',
        '127.0.0.70',
        '--',
        `yes abcdefghi | head -c ${bytes}; touch ${done}`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const hang = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      // A reader that reads a little, then nothing for a while (a pager, Ctrl-Z).
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      child.stdout.pause();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      // lwt, its pipe, ssh2's window and the sockets hold a few MiB: the host is still printing.
      expect(existsSync(done)).toBe(false);
      let printed = 0;
      child.stdout.on('data', (chunk: Buffer) => (printed += chunk.length));
      child.stdout.resume();
      expect(await exited).toBe(0);
      expect(existsSync(done)).toBe(true);
      // Every line arrived, each with its prefix ("127.0.0.70: " is 12 bytes, lines 10).
      expect(printed).toBeGreaterThan(bytes);
    } finally {
      clearTimeout(hang);
      child.kill('SIGKILL');
      out.remove();
    }
  });

  it('writes -o files as output arrives, and .status once the host is done', async () => {
    const out = tempDir();
    const marker = markers.next();
    try {
      const run = startLwt(
        [
          'exec',
          ...ssh(),
          '-w',
          '127.0.0.70',
          '-o',
          out.path,
          '--',
          `echo early; echo warn >&2; sleep 1000.${marker}`,
        ],
        { input: '' },
      );
      const file = join(out.path, '127.0.0.70.out');
      expect(
        await waitFor(() => existsSync(file) && readFileSync(file, 'utf8') === 'early\n', 15_000),
      ).toBe(true);
      expect(readFileSync(join(out.path, '127.0.0.70.err'), 'utf8')).toBe('warn\n');
      expect(existsSync(join(out.path, '127.0.0.70.status'))).toBe(false);
      run.child.kill('SIGINT');
      expect((await run.done).code).toBe(130);
      const status = JSON.parse(readFileSync(join(out.path, '127.0.0.70.status'), 'utf8')) as {
        outcome: unknown;
        stdoutBytes: number;
      };
      expect(status).toMatchObject({ outcome: { kind: 'canceled' }, stdoutBytes: 6 });
      expect(await survivors(marker)).toEqual([]);
    } finally {
      out.remove();
    }
  });

  it('makes a host whose -o file cannot be written an error naming it; the others keep theirs', async () => {
    const out = tempDir();
    try {
      // Writes to /dev/full fail as they do on a full disk.
      symlinkSync('/dev/full', join(out.path, '127.0.0.71.out'));
      const r = await runLwt(
        ['exec', ...ssh(), '-w', '127.0.0.[70-71]', '-o', out.path, '--', 'echo hello'],
        { input: '' },
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('lwt exec: 1 ok, 1 failed (2 hosts in');
      expect(r.stderr).toContain(
        `127.0.0.71: ${join(out.path, '127.0.0.71.out')}: no space left on device (on the host: ok)`,
      );
      expect(r.stderr).not.toMatch(/internal error/);
      expect(readFileSync(join(out.path, '127.0.0.70.out'), 'utf8')).toBe('hello\n');
      const status = JSON.parse(readFileSync(join(out.path, '127.0.0.71.status'), 'utf8')) as {
        outcome: { kind: string; message: string };
      };
      expect(status.outcome.kind).toBe('error');
    } finally {
      out.remove();
    }
  });

  it('keeps at most --max-output of each stream in --json and says how much there was', async () => {
    const r = await runLwt(
      [
        'exec',
        ...ssh(),
        '-w',
        '127.0.0.70',
        '--json',
        '--max-output',
        '1K',
        '--',
        'head -c 300000 /dev/zero | tr "\\0" x; echo done >&2',
      ],
      { input: '' },
    );
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      stdout: 'x'.repeat(1024),
      stdoutBytes: 300_000,
      stdoutTruncated: true,
      stderr: 'done\n',
      stderrBytes: 5,
      stderrTruncated: false,
    });
  });

  it('refuses an -o folder it cannot make and a bad --max-output with one line, exit 2, before any host', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'f1'), '');
      const cases: Array<[string[], RegExp]> = [
        [
          ['-o', join(dir.path, 'f1', 'out')],
          /^lwt: --outdir: .*f1: not a folder \(a file is in the way\)\n$/,
        ],
        [
          ['-o', '/proc/lwt-out'],
          /^lwt: --outdir: \/proc\/lwt-out: cannot make the folder: no such file or directory\n$/,
        ],
        [
          ['--json', '--max-output', '0'],
          /^lwt: --max-output must be at least 1 byte, .* got '0'\n$/,
        ],
        [['-b', '--max-output', '-5'], /^lwt: --max-output must be a size like .* got '-5'\n$/],
        [
          ['--json', '--max-output', 'lots'],
          /^lwt: --max-output must be a size like .* got 'lots'\n$/,
        ],
      ];
      for (const [options, message] of cases) {
        const r = await runLwt(
          ['exec', ...ssh(), '-w', '127.0.0.70', ...options, '--', 'touch /tmp/lwt-never-ran'],
          { input: '', hangMs: 15_000 },
        );
        expect({ options, code: r.code, stdout: r.stdout }).toEqual({
          options,
          code: 2,
          stdout: '',
        });
        expect(r.stderr).toMatch(message);
      }
      expect(readdirSync(dir.path)).toEqual(['f1']);
    } finally {
      dir.remove();
    }
  });
});
