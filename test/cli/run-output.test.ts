import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loggedCommand, maxConcurrency } from '../helpers/concurrency.js';
import { normalizeSummary, runLwt } from '../helpers/lwt-process.js';
import { MarkerRegistry, tempDir } from '../helpers/processes.js';

const markers = new MarkerRegistry();
let dir: { path: string; remove: () => void };

beforeEach(() => {
  dir = tempDir();
});

afterEach(() => {
  dir.remove();
  expect(markers.reap(), 'processes left behind (now killed)').toEqual([]);
});

describe('lwt run: concurrency', () => {
  it.each([1, 3])('-j %i runs at most that many at once, and reaches it', async (jobs) => {
    const log = join(dir.path, 'log');
    const input = Array.from({ length: jobs * 2 }, () => loggedCommand(log, 1)).join('\n');
    const result = await runLwt(['run', '-j', String(jobs)], { input });
    expect(result.code).toBe(0);
    expect(maxConcurrency(log)).toEqual({ most: jobs, starts: jobs * 2, ends: jobs * 2 });
  });

  it('defaults to more than one at once on a machine with several CPUs', async () => {
    const log = join(dir.path, 'log');
    const input = Array.from({ length: 2 }, () => loggedCommand(log, 1)).join('\n');
    const result = await runLwt(['run'], { input });
    expect(result.code).toBe(0);
    const { availableParallelism } = await import('node:os');
    expect(maxConcurrency(log).most).toBe(Math.min(2, availableParallelism()));
  });
});

describe('lwt run: output', () => {
  it('never mixes the lines of two commands running at once', async () => {
    // Four commands at once, each writing 20 lines with pauses in between.
    const script = (n: number) =>
      `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do echo "cmd${n} line $i"; sleep 0.02; done`;
    const input = [1, 2, 3, 4].map(script).join('\n');
    const result = await runLwt(['run', '-j', '4'], { input });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(80);
    // Cut stdout into runs of one command's lines: there must be exactly four, each whole.
    const blocks: string[][] = [];
    for (const line of lines) {
      const tag = line.split('\t')[0];
      const last = blocks[blocks.length - 1];
      if (last && last[0]?.split('\t')[0] === tag) last.push(line);
      else blocks.push([line]);
    }
    expect(blocks).toHaveLength(4);
    for (const block of blocks) {
      const n = block[0]?.split('\t')[0];
      expect(block).toEqual(Array.from({ length: 20 }, (_, i) => `${n}\tcmd${n} line ${i + 1}`));
    }
  });

  it('tags lines with the command number when more than one can run at once', async () => {
    const result = await runLwt(['run', '-j', '2', '-k'], {
      input: 'echo a; echo b\necho c >&2\nprintf d\n',
    });
    expect(result.stdout).toBe('1\ta\n1\tb\n3\td\n');
    expect(result.stderr.split('\n')[0]).toBe('2\tc');
  });

  it('does not tag with -j 1, and keeps output exactly', async () => {
    const result = await runLwt(['run', '-j', '1'], {
      input: 'echo a; echo b\nprintf "no newline"\necho c\n',
    });
    expect(result.stdout).toBe('a\nb\nno newline\nc\n');
  });

  it('tags with the command text on --tag command', async () => {
    const result = await runLwt(['run', '-j', '2', '-k', '--tag', 'command'], {
      input: 'echo a\necho b\n',
    });
    expect(result.stdout).toBe('echo a\ta\necho b\tb\n');
  });

  it('--tag none leaves lines alone even with several at once', async () => {
    const result = await runLwt(['run', '-j', '2', '-k', '--tag', 'none'], {
      input: 'echo a\necho b\n',
    });
    expect(result.stdout).toBe('a\nb\n');
  });

  it('prints as commands end, or in command order with -k', async () => {
    const input = 'sleep 1; echo first\necho second\n';
    const asTheyEnd = await runLwt(['run', '-j', '2'], { input });
    expect(asTheyEnd.stdout).toBe('2\tsecond\n1\tfirst\n');
    const inOrder = await runLwt(['run', '-j', '2', '-k'], { input });
    expect(inOrder.stdout).toBe('1\tfirst\n2\tsecond\n');
  });
});

describe('lwt run --json', () => {
  it('prints one JSON object a line per command, and nothing else on stdout', async () => {
    const before = Date.now();
    const marker = markers.next();
    const cwd = dir.path; // For the core file of SIGSEGV, if any.
    const result = await runLwt(['run', '--json', '-j', '1', '-t', '1'], {
      input: `echo hi; echo err >&2\nexit 3\nkill -SEGV $$\nsleep 1000.${marker}\n`,
      cwd,
    });
    const after = Date.now();
    expect(result.code).toBe(3);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const o of objects) {
      expect(Object.keys(o)).toEqual([
        'number',
        'command',
        'outcome',
        'stdout',
        'stderr',
        'startedAt',
        'durationMs',
      ]);
      const startedAt = Date.parse(o.startedAt as string);
      expect(new Date(startedAt).toISOString()).toBe(o.startedAt);
      expect(startedAt).toBeGreaterThanOrEqual(before);
      expect(startedAt).toBeLessThanOrEqual(after);
      expect(Number.isInteger(o.durationMs) && (o.durationMs as number) >= 0).toBe(true);
    }
    const stable = objects.map(({ startedAt: _s, durationMs: _d, ...rest }) => rest);
    expect(stable).toEqual([
      {
        number: 1,
        command: 'echo hi; echo err >&2',
        outcome: { kind: 'ok' },
        stdout: 'hi\n',
        stderr: 'err\n',
      },
      { number: 2, command: 'exit 3', outcome: { kind: 'exit', code: 3 }, stdout: '', stderr: '' },
      {
        number: 3,
        command: 'kill -SEGV $$',
        outcome: { kind: 'signal', signal: 'SIGSEGV', core: false },
        stdout: '',
        stderr: '',
      },
      {
        number: 4,
        command: `sleep 1000.${marker}`,
        outcome: { kind: 'timeout', phase: 'run', afterMs: 1000 },
        stdout: '',
        stderr: '',
      },
    ]);
    expect((objects[3]?.durationMs as number) >= 1000).toBe(true);
    // The summary still goes to stderr, and the commands' stderr does not.
    expect(normalizeSummary(result.stderr).split('\n')[0]).toBe(
      'lwt run: 1 ok, 1 failed, 1 killed by a signal, 1 timed out (4 commands in Xs)',
    );
    expect(result.stderr).not.toContain('err\n');
  });

  it('prints nothing on stdout for an empty list', async () => {
    const result = await runLwt(['run', '--json'], { input: '' });
    expect(result).toEqual({ code: 0, signal: null, stdout: '', stderr: 'lwt run: no commands\n' });
  });
});

describe('lwt run --joblog', () => {
  it("writes GNU parallel's TSV: header, then one row per command", async () => {
    const joblog = join(dir.path, 'joblog.tsv');
    const marker = markers.next();
    const before = Date.now() / 1000;
    const result = await runLwt(['run', '-j', '1', '-t', '1', '--joblog', joblog], {
      input: `echo hi\nexit 3\nkill -SEGV $$\nsleep 1000.${marker}\nprintf 'a\\tb'\n`,
      cwd: dir.path,
    });
    const after = Date.now() / 1000;
    expect(result.code).toBe(3);
    const [header, ...rows] = readFileSync(joblog, 'utf8').split('\n');
    expect(header).toBe(
      'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand',
    );
    expect(rows.pop()).toBe(''); // The file ends with a newline.
    const cells = rows.map((row) => row.split('\t'));
    for (const [, , start, runtime] of cells) {
      expect(start).toMatch(/^\d+\.\d{3}$/);
      expect(Number(start)).toBeGreaterThanOrEqual(Math.floor(before));
      expect(Number(start)).toBeLessThanOrEqual(after);
      expect(runtime).toMatch(/^ *\d+\.\d{3}$/);
      expect(runtime).toHaveLength(10); // GNU parallel's "%10.3f".
    }
    // Seq Host Send Receive Exitval Signal Command; a signal has Exitval 0 and its number, a
    // timeout -1 and 15 (TERM), as GNU parallel writes them.
    expect(cells.map(([seq, host, , , ...rest]) => [seq, host, ...rest])).toEqual([
      ['1', ':', '0', '3', '0', '0', 'echo hi'],
      ['2', ':', '0', '0', '3', '0', 'exit 3'],
      ['3', ':', '0', '0', '0', '11', 'kill -SEGV $$'],
      ['4', ':', '0', '0', '-1', '15', `sleep 1000.${marker}`],
      ['5', ':', '0', '3', '0', '0', "printf 'a\\tb'"],
    ]);
    expect(Number(cells[3]?.[3])).toBeGreaterThanOrEqual(1);
  });

  it('is written even when nothing ran', async () => {
    const joblog = join(dir.path, 'joblog.tsv');
    writeFileSync(joblog, 'old content\n');
    const result = await runLwt(['run', '--joblog', joblog], { input: '' });
    expect(result.code).toBe(0);
    expect(readFileSync(joblog, 'utf8')).toBe(
      'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n',
    );
  });
});
