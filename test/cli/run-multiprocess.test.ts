import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { translateAlias } from '../../src/cli/aliases.js';
import { loggedCommand, maxConcurrency } from '../helpers/concurrency.js';
import { normalizeSummary, runLwt } from '../helpers/lwt-process.js';
import { MarkerRegistry, survivors, tempDir } from '../helpers/processes.js';

// LWT's form keeps working: `multiprocess MAX TIMEOUT < commands`.

const markers = new MarkerRegistry();
let dir: { path: string; remove: () => void };

beforeEach(() => {
  dir = tempDir();
});

afterEach(() => {
  dir.remove();
  expect(markers.reap(), 'processes left behind (now killed)').toEqual([]);
});

describe('translateAlias', () => {
  it.each<[string[], string[]]>([
    [
      ['4', '30'],
      ['run', '--jobs', '4', '--timeout', '30'],
    ],
    [
      ['4', '2.5'],
      ['run', '--jobs', '4', '--timeout', '2.5'],
    ],
    [
      ['4', '30', '--json'],
      ['run', '--jobs', '4', '--timeout', '30', '--json'],
    ],
    [
      ['4', 'cmds.txt'],
      ['run', '--jobs', '4', 'cmds.txt'],
    ],
    [['4'], ['run', '--jobs', '4']],
    [[], ['run']],
    [['cmds.txt'], ['run', 'cmds.txt']],
    [
      ['-j', '3', 'cmds.txt'],
      ['run', '-j', '3', 'cmds.txt'],
    ],
    // Refused later as a bad timeout, not taken for a file named "-1".
    [
      ['4', '-1'],
      ['run', '--jobs', '4', '--timeout', '-1'],
    ],
  ])('multiprocess %j is lwt %j', (args, expected) => {
    expect(translateAlias('multiprocess', args)).toEqual(expected);
  });

  it('leaves lwt arguments alone', () => {
    expect(translateAlias(undefined, ['run', '-j', '2'])).toEqual(['run', '-j', '2']);
  });
});

describe('bin/multiprocess', () => {
  it('multiprocess 2 1 < cmds: two at once, each stopped after 1 s', async () => {
    const log = join(dir.path, 'log');
    const marker = markers.next();
    const input = [
      loggedCommand(log, 0.5),
      loggedCommand(log, 0.5),
      loggedCommand(log, 0.5),
      `echo start >> ${log}; sleep 1000.${marker}`,
      'echo hello',
    ].join('\n');
    const result = await runLwt(['2', '1'], { bin: 'multiprocess', input, hangMs: 20_000 });
    expect(result.code).toBe(3);
    expect(maxConcurrency(log)).toEqual({ most: 2, starts: 4, ends: 3 });
    expect(result.stdout).toBe('5\thello\n');
    expect(normalizeSummary(result.stderr)).toBe(
      [
        'lwt run: 4 ok, 1 timed out (5 commands in Xs)',
        `  #4 timed out after 1.0s: echo start >> ${log}; sleep 1000.${marker}`,
        '',
      ].join('\n'),
    );
    expect(await survivors(marker)).toEqual([]);
  });

  it('takes lwt run options after MAX TIMEOUT', async () => {
    const result = await runLwt(['1', '0', '--json'], { bin: 'multiprocess', input: 'echo hi\n' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      number: 1,
      command: 'echo hi',
      stdout: 'hi\n',
    });
  });

  it.each<[string[], string]>([
    [['0', '1'], "lwt: --jobs must be a whole number of 1 or more, got '0'\n"],
    [['2', '-1'], "lwt: --timeout must be a number of seconds, 0 or more, got '-1'\n"],
  ])('multiprocess %j is a usage error', async (args, message) => {
    const result = await runLwt(args, { bin: 'multiprocess', input: 'echo never\n' });
    expect(result).toEqual({ code: 2, signal: null, stdout: '', stderr: message });
  });
});
