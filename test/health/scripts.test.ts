import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDeployCommand, parseDeployOutput } from '../../src/health/deploy-script.js';
import { buildProbeCommand, parseProbeOutput } from '../../src/health/probe-script.js';
import {
  buildStatCommand,
  compareBusiest,
  parseStatOutput,
  type HostStats,
} from '../../src/health/stat-script.js';
import { tempDir } from '../helpers/processes.js';

/**
 * The remote scripts are POSIX sh: run them here as a host would, without ssh. sshd starts each
 * login in a session of its own (setsid); `detached` does the same here (execFile would drop it).
 * The stat snapshot leaves its own session out, and where every process shares one session (a
 * container's, as in CI) it would otherwise leave out everything.
 */
const runHere = (command: string) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`sh exited with ${code}`)),
    );
  });

describe('the probe', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('reports every figure and each check, run in the home folder', async () => {
    const home = join(dir.path, 'home');
    mkdirSync(home);
    const checks = ['pwd', 'echo "bad  disk"; exit 3', "printf 'a\\tb\\nc'"];
    const stdout = await runHere(buildProbeCommand(home, checks));
    const report = parseProbeOutput(stdout, checks);
    const f = report.figures;
    expect(f.hostname).toMatch(/\S/);
    expect(f.kernel).toMatch(/^Linux \S+$/);
    expect(f.cores).toBeGreaterThanOrEqual(1);
    expect(f.load).toHaveLength(3);
    expect(f.memTotalBytes).toBeGreaterThan(f.memAvailableBytes ?? Infinity);
    expect(f.home).toBe(home);
    expect(f.homeExists).toBe(true);
    expect(f.diskFreeBytes).toBeGreaterThan(0);
    expect(f.diskTotalBytes).toBeGreaterThanOrEqual(f.diskFreeBytes ?? Infinity);
    expect(report.checks).toEqual([
      { command: 'pwd', status: 0, output: home },
      { command: 'echo "bad  disk"; exit 3', status: 3, output: 'bad  disk' },
      { command: "printf 'a\\tb\\nc'", status: 0, output: 'a b c' },
    ]);
  });

  it('says a home is missing and measures the disk of the folder that would hold it', async () => {
    const home = join(dir.path, 'not', 'yet');
    const report = parseProbeOutput(await runHere(buildProbeCommand(home, [])), []);
    expect(report.figures.homeExists).toBe(false);
    expect(report.figures.home).toBe(home);
    expect(report.figures.diskFreeBytes).toBeGreaterThan(0);
  });

  it('leaves out garbled figures and tells a check cut short from one never run', () => {
    const stdout = [
      'hostname=web1',
      'cores=zero',
      'load=0.5 0.4',
      'mem_kb=1000 400',
      'home_exists=1',
      'home=/srv',
      'disk_kb=10 20',
      'some noise from a profile',
      'check1=0 fine',
    ].join('\n');
    const report = parseProbeOutput(stdout, ['a', 'b', 'c'], 'did not finish within 2.0s');
    expect(report.figures).toEqual({
      hostname: 'web1',
      memTotalBytes: 1000 * 1024,
      memAvailableBytes: 400 * 1024,
      home: '/srv',
      homeExists: true,
      diskFreeBytes: 10 * 1024,
      diskTotalBytes: 20 * 1024,
    });
    expect(report.checks.map((c) => [c.status, c.output])).toEqual([
      [0, 'fine'],
      [-1, 'did not finish within 2.0s'],
      [-1, 'did not run'],
    ]);
  });
});

describe('the stat snapshot', () => {
  it('sums processes on the host and leaves its own session out', async () => {
    const stats = parseStatOutput(await runHere(buildStatCommand()));
    expect(stats).toBeDefined();
    const s = stats as HostStats;
    expect(s.user).toMatch(/\S/);
    expect(s.all.processes).toBeGreaterThan(0);
    expect(s.mine.processes).toBeLessThanOrEqual(s.all.processes);
    expect(s.mine.cpuPercent).toBeLessThanOrEqual(s.all.cpuPercent);
    expect(s.memUsedBytes).toBeLessThan(s.memTotalBytes ?? 0);
  });

  it('reads nothing without the process totals', () => {
    expect(parseStatOutput('user=x\ncores=2\n')).toBeUndefined();
    expect(parseStatOutput('all=3 1.0 100\nmine=1 0.5 x\n')).toBeUndefined();
  });

  it('sorts the busiest first: CPU per core, then memory, hosts without a snapshot last', () => {
    const host = (cpuPercent: number, cores: number | undefined, memUsedBytes = 0): HostStats => ({
      ...(cores !== undefined && { cores }),
      memUsedBytes,
      all: { processes: 1, cpuPercent, rssBytes: 0 },
      user: 'u',
      mine: { processes: 0, cpuPercent: 0, rssBytes: 0 },
    });
    const rows: [string, HostStats | undefined][] = [
      ['none-1', undefined],
      ['quarter-of-16', host(400, 16)],
      ['one-of-2', host(100, 2)],
      ['idle-big-mem', host(0, 4, 9e9)],
      ['none-2', undefined],
      ['idle', host(0, 4, 1e9)],
      ['full-of-1', host(100, undefined)],
      ['one-of-2-more-mem', host(100, 2, 5)],
    ];
    rows.sort((a, b) => compareBusiest(a[1], b[1]));
    expect(rows.map((r) => r[0])).toEqual([
      'full-of-1',
      'one-of-2-more-mem',
      'one-of-2',
      'quarter-of-16',
      'idle-big-mem',
      'idle',
      'none-1',
      'none-2',
    ]);
  });
});

describe('deploy', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('creates the home once, then says it exists', async () => {
    const home = join(dir.path, 'a', 'b');
    const first = parseDeployOutput(await runHere(buildDeployCommand(home)));
    const second = parseDeployOutput(await runHere(buildDeployCommand(home)));
    expect(first).toEqual({ created: true, path: home });
    expect(second).toEqual({ created: false, path: home });
  });

  it("reports the login's home when the host has none configured", async () => {
    const out = parseDeployOutput(await runHere(buildDeployCommand(undefined)));
    expect(out).toEqual({ created: false, path: process.env.HOME });
  });
});
