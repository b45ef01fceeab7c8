import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeSummary, startLwt } from '../helpers/lwt-process.js';
import {
  MarkerRegistry,
  countSleeps,
  findProcesses,
  survivors,
  tempDir,
  waitFor,
} from '../helpers/processes.js';

// Ctrl-C and SIGTERM sent to lwt by pid, as a terminal or a supervisor would.

const markers = new MarkerRegistry();
let dir: { path: string; remove: () => void };

beforeEach(() => {
  dir = tempDir();
});

afterEach(() => {
  dir.remove();
  expect(markers.reap(), 'processes left behind (now killed)').toEqual([]);
});

/** Two endless commands, then two that would leave a file if they ever ran. */
function writeList(marker: string): { file: string; ranFiles: string[] } {
  const file = join(dir.path, 'cmds');
  const ranFiles = [join(dir.path, 'ran-3'), join(dir.path, 'ran-4')];
  writeFileSync(
    file,
    [
      `sleep 1000.${marker}`,
      `sleep 1000.${marker}`,
      `touch ${ranFiles[0]}`,
      `touch ${ranFiles[1]}`,
    ].join('\n'),
  );
  return { file, ranFiles };
}

/**
 * Waits until `count` sleeps carrying the marker run; fails the test if they never do. Only the
 * sleep processes count, not the shells whose command lines mention them.
 */
async function expectRunning(marker: string, count: number): Promise<void> {
  expect(await waitFor(() => countSleeps(marker) >= count)).toBe(true);
}

describe('lwt run: Ctrl-C', () => {
  it('stops the running trees, starts nothing more, reports, and exits 130', async () => {
    const marker = markers.next();
    const { file, ranFiles } = writeList(marker);
    const lwt = startLwt(['run', '-j', '2', file], { hangMs: 15_000 });
    await expectRunning(marker, 2);
    lwt.child.kill('SIGINT');
    const result = await lwt.done;
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(normalizeSummary(result.stderr)).toBe(
      [
        'lwt: stopping; press Ctrl-C again to kill at once',
        'lwt run: 0 ok, 2 canceled (2 commands in Xs, interrupted)',
        `  #1 canceled: sleep 1000.${marker}`,
        `  #2 canceled: sleep 1000.${marker}`,
        '',
      ].join('\n'),
    );
    expect(ranFiles.filter((f) => existsSync(f))).toEqual([]);
    expect(await survivors(marker)).toEqual([]);
  });

  it('reports the commands that finished before the Ctrl-C as they were', async () => {
    const marker = markers.next();
    // Two lanes: one is held by #2; the other runs #1, then #3, then #4. Once #4's sleep runs,
    // #1 and #3 have ended.
    const lwt = startLwt(['run', '-j', '2', '-k'], {
      input: `echo done-before\nsleep 1000.${marker}\nexit 5\nsleep 1000.${marker}\n`,
      hangMs: 15_000,
    });
    await expectRunning(marker, 2);
    lwt.child.kill('SIGINT');
    const result = await lwt.done;
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('1\tdone-before\n');
    expect(normalizeSummary(result.stderr)).toBe(
      [
        'lwt: stopping; press Ctrl-C again to kill at once',
        'lwt run: 1 ok, 1 failed, 2 canceled (4 commands in Xs, interrupted)',
        `  #2 canceled: sleep 1000.${marker}`,
        '  #3 exit 5: exit 5',
        `  #4 canceled: sleep 1000.${marker}`,
        '',
      ].join('\n'),
    );
    expect(await survivors(marker)).toEqual([]);
  });

  it('a second Ctrl-C kills at once what ignores TERM, without waiting for --kill-after', async () => {
    const marker = markers.next();
    const lwt = startLwt(['run', '--kill-after', '600'], {
      input: `trap '' TERM; sleep 1000.${marker}\n`,
      hangMs: 15_000,
    });
    await expectRunning(marker, 1);
    lwt.child.kill('SIGINT');
    expect(await waitFor(() => lwt.stderr().includes('lwt: stopping'))).toBe(true);
    // TERM is ignored and the grace is ten minutes: the first Ctrl-C alone does not end it.
    await new Promise((r) => setTimeout(r, 500));
    expect(findProcesses(marker).length).toBeGreaterThan(0);
    expect(lwt.child.exitCode).toBe(null);
    lwt.child.kill('SIGINT');
    const result = await lwt.done;
    expect(result.code).toBe(130);
    expect(normalizeSummary(result.stderr)).toBe(
      [
        'lwt: stopping; press Ctrl-C again to kill at once',
        'lwt: killing everything now',
        'lwt run: 0 ok, 1 canceled (1 command in Xs, interrupted)',
        `  #1 canceled: trap '' TERM; sleep 1000.${marker}`,
        '',
      ].join('\n'),
    );
    expect(await survivors(marker)).toEqual([]);
  });

  it('does not wait for more input when stdin is still open', async () => {
    const marker = markers.next();
    const ran = join(dir.path, 'ran-later');
    const lwt = startLwt(['run', '-j', '2'], { hangMs: 15_000 });
    lwt.child.stdin.write(`sleep 1000.${marker}\n`);
    await expectRunning(marker, 1);
    lwt.child.kill('SIGINT');
    expect(await waitFor(() => lwt.stderr().includes('lwt: stopping'))).toBe(true);
    // A line written after the stop is never run (the pipe may be closed by then: ignore that).
    lwt.child.stdin.on('error', () => {});
    lwt.child.stdin.write(`touch ${ran}\n`);
    const result = await lwt.done;
    expect(result.code).toBe(130);
    expect(normalizeSummary(result.stderr)).toContain(
      `lwt run: 0 ok, 1 canceled (1 command in Xs, interrupted)\n  #1 canceled: sleep 1000.${marker}\n`,
    );
    expect(existsSync(ran)).toBe(false);
    expect(await survivors(marker)).toEqual([]);
  });

  it('while idle, waiting for more input, ends the run at once', async () => {
    const lwt = startLwt(['run', '-j', '2'], { hangMs: 15_000 });
    lwt.child.stdin.write('echo first\n');
    // Output is printed when a command has ended: then lwt is idle, waiting on stdin.
    expect(await waitFor(() => lwt.stdout() === '1\tfirst\n')).toBe(true);
    lwt.child.kill('SIGINT');
    const result = await lwt.done;
    expect(result.code).toBe(130);
    expect(normalizeSummary(result.stderr)).toBe(
      [
        'lwt: stopping; press Ctrl-C again to kill at once',
        'lwt run: 1 ok (1 command in Xs, interrupted)',
        '',
      ].join('\n'),
    );
  });
});

describe('lwt run: SIGTERM', () => {
  it('stops every tree, reports, and exits 143', async () => {
    const marker = markers.next();
    const { file, ranFiles } = writeList(marker);
    const lwt = startLwt(['run', '-j', '2', '--json', file], { hangMs: 15_000 });
    await expectRunning(marker, 2);
    lwt.child.kill('SIGTERM');
    const result = await lwt.done;
    expect(result.code).toBe(143);
    const objects = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { number: number; outcome: unknown });
    expect(objects.map((o) => [o.number, o.outcome]).sort()).toEqual([
      [1, { kind: 'canceled' }],
      [2, { kind: 'canceled' }],
    ]);
    expect(normalizeSummary(result.stderr)).toBe(
      [
        'lwt: terminated; stopping',
        'lwt run: 0 ok, 2 canceled (2 commands in Xs, interrupted)',
        `  #1 canceled: sleep 1000.${marker}`,
        `  #2 canceled: sleep 1000.${marker}`,
        '',
      ].join('\n'),
    );
    expect(ranFiles.filter((f) => existsSync(f))).toEqual([]);
    expect(await survivors(marker)).toEqual([]);
  });

  it('KILLs a TERM-ignoring tree after --kill-after', async () => {
    const marker = markers.next();
    const lwt = startLwt(['run', '--kill-after', '1'], {
      input: `trap '' TERM; sleep 1000.${marker} & sleep 1000.${marker}\n`,
      hangMs: 15_000,
    });
    await expectRunning(marker, 2);
    lwt.child.kill('SIGTERM');
    const result = await lwt.done;
    expect(result.code).toBe(143);
    expect(await survivors(marker)).toEqual([]);
  });
});
