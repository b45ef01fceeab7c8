import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/outcome/outcome.js';
import { nodeLauncher } from '../../src/pool/node-launcher.js';
import { Spawner } from '../../src/pool/spawner.js';
import { repoRoot } from '../helpers/lwt-process.js';
import { MarkerRegistry, findProcesses, tempDir, waitFor } from '../helpers/processes.js';
import { haveCompiler, SPAWNER_PATH, spawnerBuilt } from '../helpers/spawner.js';

/** An ELF header and then junk: exec refuses it (ENOEXEC), as it would a binary for another CPU. */
const NOT_AN_EXECUTABLE = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
  Buffer.from('not a program for this machine\n'),
]);

interface Collected {
  readonly pid: number | undefined;
  readonly outcome: Outcome;
  readonly stdout: string;
}

function collect(spawner: Spawner, command: string): Promise<Collected> {
  let stdout = '';
  const launched = spawner.launch(
    command,
    {},
    {
      stdout: (chunk) => (stdout += chunk.toString()),
      stderr: () => undefined,
      close: (outcome) => closed(outcome),
    },
  );
  let closed: (outcome: Outcome) => void = () => undefined;
  return new Promise<Outcome>((resolve) => (closed = resolve)).then(async (outcome) => ({
    pid: await launched.pid,
    outcome,
    stdout,
  }));
}

const markers = new MarkerRegistry();
const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
  expect(markers.reap(), 'processes left behind (now killed)').toEqual([]);
});

/** A file in lwt-spawner's place that cannot run here, with the given mode. */
function brokenSpawner(mode: number): string {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir.path, 'lwt-spawner');
  writeFileSync(path, NOT_AN_EXECUTABLE, { mode });
  return path;
}

describe('a spawner that cannot run', () => {
  for (const [what, mode] of [
    ['not a valid executable', 0o755],
    ['not executable at all', 0o644],
  ] as const) {
    it(`hands every command to Node's spawn when it is ${what}`, async () => {
      const spawner = new Spawner(brokenSpawner(mode), nodeLauncher);
      // Launched before the spawner is known to be broken, then one after.
      const first = await Promise.all(
        Array.from({ length: 5 }, (_, i) => collect(spawner, `echo ${i}; exit ${i}`)),
      );
      first.forEach((result, i) => {
        expect(result.stdout).toBe(`${i}\n`);
        expect(result.outcome).toEqual(i === 0 ? { kind: 'ok' } : { kind: 'exit', code: i });
        expect(result.pid).toBeGreaterThan(0);
      });
      const later = await collect(spawner, 'echo later');
      expect(later).toMatchObject({ stdout: 'later\n', outcome: { kind: 'ok' } });
    });
  }

  it('without a fallback, ends its commands with an error that names it', async () => {
    const path = brokenSpawner(0o755);
    const result = await collect(new Spawner(path), 'echo never');
    expect(result.stdout).toBe('');
    expect(result.outcome).toMatchObject({ kind: 'error' });
    expect(result.outcome.kind === 'error' && result.outcome.message).toContain(path);
  });
});

describe.skipIf(!spawnerBuilt && !haveCompiler)('a spawner that ran and died', () => {
  it('does not start its commands again elsewhere: they end with an error', async () => {
    const spawner = new Spawner(SPAWNER_PATH, nodeLauncher);
    const marker = markers.next();
    const running = collect(spawner, `sleep 1000.${marker}`);
    expect(await waitFor(() => findProcesses(marker).length > 0)).toBe(true);
    const [sleeper] = findProcesses(marker);
    process.kill(parentOf(sleeper?.pid ?? 0), 'SIGKILL');
    const result = await running;
    expect(result.outcome).toMatchObject({ kind: 'error' });
    const sleeps = findProcesses(marker).filter((p) => p.args.startsWith('sleep '));
    // A spawner killed outright cannot clean up: the test does.
    for (const p of findProcesses(marker)) process.kill(p.pid, 'SIGKILL');
    // One sleep, the one the spawner started: none was started again by Node.
    expect(sleeps).toHaveLength(1);
  });
});

/** The parent pid of `pid`, from /proc. */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe('lwt run with a spawner built for another machine', () => {
  it('runs every command through Node instead of failing them', async () => {
    // A copy of the package whose dist/pool/lwt-spawner cannot run here.
    const dir = tempDir();
    dirs.push(dir);
    for (const part of ['bin', 'dist', 'package.json']) {
      cpSync(join(repoRoot, part), join(dir.path, part), { recursive: true });
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(dir.path, 'node_modules'));
    mkdirSync(join(dir.path, 'dist', 'pool'), { recursive: true });
    writeFileSync(join(dir.path, 'dist', 'pool', 'lwt-spawner'), NOT_AN_EXECUTABLE, {
      mode: 0o755,
    });
    const args = [join(dir.path, 'bin', 'lwt'), 'run', '-j', '4', '--tag', 'none'];
    const child = spawn(process.execPath, args, {
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LWT_'))),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.end(Array.from({ length: 8 }, (_, i) => `echo line${i}`).join('\n') + '\n');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toMatch(/^lwt run: 8 ok \(8 commands in [\d.]+s\)\n$/);
    expect(code).toBe(0);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `line${i}`),
    );
  }, 20_000);
});
