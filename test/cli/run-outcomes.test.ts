import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeSummary, runLwt } from '../helpers/lwt-process.js';
import { MarkerRegistry, survivors, tempDir } from '../helpers/processes.js';

// `lwt run` end to end, as a user runs it: the built bin, commands on stdin or in a file.

const markers = new MarkerRegistry();
let dir: { path: string; remove: () => void };

beforeEach(() => {
  dir = tempDir();
});

afterEach(() => {
  dir.remove();
  expect(markers.reap(), 'processes left behind (now killed)').toEqual([]);
});

describe('lwt run: how commands end', () => {
  it('reports signals, exit codes and a missing command, and exits 1', async () => {
    const input = [
      'kill -SEGV $$',
      'kill -TERM $$',
      'kill -KILL $$',
      'exit 3',
      'no-such-command-lwt',
      'echo fine',
    ];
    // cwd: a core file, if one is written, lands in the temporary directory.
    const result = await runLwt(['run', '-j', '1'], {
      input: input.join('\n') + '\n',
      cwd: dir.path,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('fine\n');
    expect(result.stderr).toMatch(/^.*no-such-command-lwt: .*not found\n/);
    const summary = result.stderr.slice(result.stderr.indexOf('lwt run:'));
    expect(normalizeSummary(summary)).toBe(
      [
        'lwt run: 1 ok, 2 failed, 3 killed by a signal (6 commands in Xs)',
        '  #1 signal SIGSEGV: kill -SEGV $$',
        '  #2 signal SIGTERM: kill -TERM $$',
        '  #3 signal SIGKILL: kill -KILL $$',
        '  #4 exit 3: exit 3',
        '  #5 exit 127: no-such-command-lwt',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 when every command succeeds, with the summary alone on stderr', async () => {
    const result = await runLwt(['run', '-j', '1'], { input: 'echo one\ntrue\necho two\n' });
    expect(result).toMatchObject({ code: 0, stdout: 'one\ntwo\n' });
    expect(normalizeSummary(result.stderr)).toBe('lwt run: 3 ok (3 commands in Xs)\n');
  });

  it('exits 3 when a command timed out, even if another failed', async () => {
    const marker = markers.next();
    const result = await runLwt(['run', '-j', '2', '-t', '1'], {
      input: `exit 1\nsleep 1000.${marker}\n`,
    });
    expect(result.code).toBe(3);
    expect(normalizeSummary(result.stderr)).toBe(
      [
        'lwt run: 0 ok, 1 failed, 1 timed out (2 commands in Xs)',
        '  #1 exit 1: exit 1',
        `  #2 timed out after 1.0s: sleep 1000.${marker}`,
        '',
      ].join('\n'),
    );
  });

  it('skips blank lines and # lines, and reads a FILE argument', async () => {
    const file = join(dir.path, 'cmds');
    writeFileSync(file, '# setup\n\necho a\n   \n  # indented comment\necho b\n');
    const result = await runLwt(['run', '-j', '1', file]);
    expect(result).toMatchObject({ code: 0, stdout: 'a\nb\n' });
    expect(normalizeSummary(result.stderr)).toBe('lwt run: 2 ok (2 commands in Xs)\n');
  });

  it('reads standard input when FILE is -', async () => {
    const result = await runLwt(['run', '-j', '1', '-'], { input: 'echo from-stdin\n' });
    expect(result).toMatchObject({ code: 0, stdout: 'from-stdin\n' });
  });

  it('lists at most ten failures, then says how many more', async () => {
    const input = Array.from({ length: 12 }, (_, i) => `exit ${i + 1}`).join('\n');
    const result = await runLwt(['run', '-j', '4'], { input });
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^lwt run: 0 ok, 12 failed \(12 commands in \d+\.\ds\)$/);
    expect(lines.slice(1)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `  #${i + 1} exit ${i + 1}: exit ${i + 1}`),
      '  ... and 2 more',
    ]);
  });
});

describe('lwt run: bad input', () => {
  // Each case: one clear line on stderr, nothing on stdout, exit 2, and nothing ran.
  it.each<[string, string[], string]>([
    ['-j 0', ['-j', '0'], "lwt: --jobs must be a whole number of 1 or more, got '0'\n"],
    ['-j abc', ['-j', 'abc'], "lwt: --jobs must be a whole number of 1 or more, got 'abc'\n"],
    ['-j 1.5', ['-j', '1.5'], "lwt: --jobs must be a whole number of 1 or more, got '1.5'\n"],
    ['-j without a value', ['-j'], 'lwt: -j needs a value\n'],
    ['-t without a value, last', ['-j', '2', '-t'], 'lwt: -t needs a value\n'],
    ['-t -1', ['-t', '-1'], "lwt: --timeout must be a number of seconds, 0 or more, got '-1'\n"],
    [
      '--timeout=-0.5',
      ['--timeout=-0.5'],
      "lwt: --timeout must be a number of seconds, 0 or more, got '-0.5'\n",
    ],
    [
      '-t soon',
      ['-t', 'soon'],
      "lwt: --timeout must be a number of seconds, 0 or more, got 'soon'\n",
    ],
    [
      '--kill-after -2',
      ['--kill-after', '-2'],
      "lwt: --kill-after must be a number of seconds, 0 or more, got '-2'\n",
    ],
    ['--joblog without a value', ['--joblog'], 'lwt: --joblog needs a value\n'],
  ])('%s', async (_name, args, message) => {
    const ran = join(dir.path, 'ran');
    const result = await runLwt(['run', ...args], { input: `touch ${ran}\n` });
    expect(result).toEqual({ code: 2, signal: null, stdout: '', stderr: message });
    expect(existsSync(ran)).toBe(false);
  });

  it('a missing FILE', async () => {
    const missing = join(dir.path, 'no-such-list');
    const result = await runLwt(['run', missing]);
    expect(result).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: `lwt: ${missing}: cannot read the command file: no such file\n`,
    });
  });

  it('a FILE that is a directory', async () => {
    const result = await runLwt(['run', dir.path]);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `lwt: ${dir.path}: the command file is not a regular file\n`,
    });
  });

  it('a joblog that cannot be written, before anything runs', async () => {
    const ran = join(dir.path, 'ran');
    const joblog = join(dir.path, 'no-such-dir', 'log.tsv');
    const result = await runLwt(['run', '--joblog', joblog], { input: `touch ${ran}\n` });
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `lwt: ${joblog}: cannot write the joblog: no such directory\n`,
    });
    expect(existsSync(ran)).toBe(false);
  });

  it('an unknown option', async () => {
    const result = await runLwt(['run', '--frobnicate'], { input: 'true\n' });
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'lwt: unknown option --frobnicate: lwt run --help lists what it takes\n',
    });
  });

  it.each([
    ['an empty list', ''],
    ['blank and # lines only', '\n# nothing to do\n   \n'],
  ])('%s says "no commands" and exits 0', async (_name, input) => {
    const result = await runLwt(['run'], { input });
    expect(result).toEqual({ code: 0, signal: null, stdout: '', stderr: 'lwt run: no commands\n' });
  });
});

describe('lwt run: stopping process trees', () => {
  it('a timeout leaves nothing of `sh -c "sleep & sleep"` running', async () => {
    const marker = markers.next();
    const result = await runLwt(['run', '-t', '1', '--kill-after', '1'], {
      input: `sh -c 'sleep 1000.${marker} & sleep 1000.${marker}'\n`,
      hangMs: 10_000,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `#1 timed out after 1.0s: sh -c 'sleep 1000.${marker} & sleep 1000.${marker}'`,
    );
    expect(await survivors(marker)).toEqual([]);
  });

  it('KILLs after --kill-after what ignores TERM, leaving nothing behind', async () => {
    const marker = markers.next();
    const result = await runLwt(['run', '-t', '1', '--kill-after', '1'], {
      input: `trap '' TERM; (sleep 1000.${marker} &); setsid sleep 1000.${marker}; sleep 1000.${marker}\n`,
      hangMs: 10_000,
    });
    expect(result.code).toBe(3);
    expect(await survivors(marker)).toEqual([]);
  });

  it('stops the trees of many commands timing out at once', async () => {
    const marker = markers.next();
    const input = Array.from({ length: 4 }, () => `sh -c 'sleep 1000.${marker} & wait'`).join('\n');
    const result = await runLwt(['run', '-j', '4', '-t', '1'], { input, hangMs: 10_000 });
    expect(result.code).toBe(3);
    expect(normalizeSummary(result.stderr).split('\n')[0]).toBe(
      'lwt run: 0 ok, 4 timed out (4 commands in Xs)',
    );
    expect(await survivors(marker)).toEqual([]);
  });
});
