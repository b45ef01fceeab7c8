import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/outcome/outcome.js';
import { Spawner } from '../../src/pool/spawner.js';
import { startLwt } from '../helpers/lwt-process.js';
import {
  MarkerRegistry,
  findProcesses,
  survivors,
  tempDir,
  waitFor,
} from '../helpers/processes.js';
import { haveCompiler, SPAWNER_PATH, spawnerBuilt } from '../helpers/spawner.js';

interface Collected {
  readonly pid: number | undefined;
  readonly outcome: Outcome;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** Runs one command on `spawner`, keeping the raw bytes. */
async function collect(
  spawner: Spawner,
  command: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Collected> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let launched: ReturnType<Spawner['launch']> | undefined;
  const outcome = await new Promise<Outcome>((resolve) => {
    launched = spawner.launch(command, options, {
      stdout: (chunk) => stdout.push(chunk),
      stderr: (chunk) => stderr.push(chunk),
      close: resolve,
    });
  });
  return {
    pid: await launched?.pid,
    outcome,
    stdout: Buffer.concat(stdout),
    stderr: Buffer.concat(stderr),
  };
}

/** The parent pid of `pid`, from /proc. */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

const markers = new MarkerRegistry();
afterEach(() => {
  expect(markers.reap(), 'processes left behind (now killed)').toEqual([]);
});

// Without a C compiler there is no lwt-spawner to test (lwt then spawns from Node). With one,
// a missing binary is a broken build, and these tests fail on it.
describe.skipIf(!spawnerBuilt && !haveCompiler)('lwt-spawner', () => {
  it('was built by npm run build', () => {
    expect(spawnerBuilt).toBe(true);
  });

  const spawner = new Spawner(SPAWNER_PATH);

  it('passes output of any size and content through byte for byte, stdout and stderr apart', async () => {
    const dir = tempDir();
    try {
      // Several of the spawner's 64 KiB reads, with NULs and newlines where they fall.
      const data = randomBytes(300_000);
      writeFileSync(join(dir.path, 'data'), data);
      const result = await collect(spawner, 'cat data; printf err >&2; cat data >&2', {
        cwd: dir.path,
      });
      expect(result.outcome).toEqual({ kind: 'ok' });
      expect(result.stdout.equals(data)).toBe(true);
      expect(result.stderr.equals(Buffer.concat([Buffer.from('err'), data]))).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('runs a command exactly as given: newlines, quotes, non-ASCII, 100 KB long', async () => {
    const long = 'x'.repeat(100_000);
    const command = `printf '%s|' "é ü \\"q\\"" 'two\nlines'\necho ${long} | wc -c`;
    const result = await collect(spawner, command);
    expect(result.stdout.toString()).toBe(`é ü "q"|two\nlines|${long.length + 1}\n`);
  });

  it('gives each of many commands at once its own output and status', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => collect(spawner, `echo ${i}; exit ${i % 7}`)),
    );
    results.forEach((result, i) => {
      expect(result.stdout.toString()).toBe(`${i}\n`);
      expect(result.outcome).toEqual(i % 7 === 0 ? { kind: 'ok' } : { kind: 'exit', code: i % 7 });
    });
    expect(new Set(results.map((r) => r.pid)).size).toBe(100);
  });

  it('sets exactly the environment given, or passes its own on', async () => {
    const given = await collect(spawner, 'env', {
      env: { ONLY: 'this one', PATH: '/usr/bin:/bin' },
    });
    expect(given.stdout.toString().split('\n').filter(Boolean).sort()).toEqual(
      // sh sets PWD itself.
      expect.arrayContaining(['ONLY=this one', 'PATH=/usr/bin:/bin']),
    );
    expect(given.stdout.toString()).not.toContain('HOME=');
    const inherited = await collect(spawner, 'echo "$HOME"');
    expect(inherited.stdout.toString()).toBe(`${process.env.HOME ?? ''}\n`);
  });

  it('reports a folder it cannot enter as a command that could not start', async () => {
    const result = await collect(spawner, 'true', { cwd: '/nonexistent-lwt-test-dir' });
    expect(result.outcome).toEqual({ kind: 'exit', code: 127 });
    expect(result.stderr.toString()).toMatch(
      /^lwt: could not start \/bin\/sh: cannot enter \/nonexistent-lwt-test-dir: No such file/,
    );
  });

  it('ends what ran with an error outcome when it dies, and starts anew for the next', async () => {
    const own = new Spawner(SPAWNER_PATH);
    const marker = markers.next();
    const running = collect(own, `sleep 1000.${marker}`);
    expect(await waitFor(() => findProcesses(marker).length > 0)).toBe(true);
    const [sleeper] = findProcesses(marker);
    const spawnerPid = parentOf(sleeper?.pid ?? 0);
    process.kill(spawnerPid, 'SIGKILL');
    const result = await running;
    expect(result.outcome).toMatchObject({ kind: 'error' });
    expect(result.outcome.kind === 'error' && result.outcome.message).toMatch(
      /^lwt's spawner \(.*lwt-spawner\) ended \(SIGKILL\)/,
    );
    // A spawner killed outright cannot clean up: the test does.
    for (const p of findProcesses(marker)) process.kill(p.pid, 'SIGKILL');
    const next = await collect(own, 'echo again');
    expect(next.stdout.toString()).toBe('again\n');
  });
});

describe.skipIf(!spawnerBuilt && !haveCompiler)('lwt run and its spawner', () => {
  it('stop the commands when lwt itself is KILLed', async () => {
    const marker = markers.next();
    const lwt = startLwt(['run', '-j', '2'], {
      input: `sleep 1000.${marker}\ntrap '' TERM; sleep 1001.${marker}\n`,
    });
    expect(await waitFor(() => findProcesses(marker).length >= 2)).toBe(true);
    lwt.child.kill('SIGKILL');
    await lwt.done.catch(() => undefined);
    // The spawner sees lwt's end as EOF: TERM at once, KILL two seconds later.
    expect(await waitFor(() => findProcesses(`sleep 1000.${marker}`).length === 0, 1500)).toBe(
      true,
    );
    expect(await survivors(marker, 4000)).toEqual([]);
  }, 15_000);
});
