import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isCommandLine, readCommandLines, type CommandLine } from '../../src/run/command-lines.js';

async function collect(text: string | string[]): Promise<CommandLine[]> {
  const lines: CommandLine[] = [];
  for await (const line of readCommandLines(Readable.from(Array.isArray(text) ? text : [text]))) {
    lines.push(line);
  }
  return lines;
}

describe('isCommandLine', () => {
  it.each([
    ['echo hi', true],
    ['  echo hi', true],
    ['echo # not a comment line', true],
    ['', false],
    ['   ', false],
    ['\t', false],
    ['# a comment', false],
    ['   # an indented comment', false],
    ['#!/bin/sh', false],
  ])('%j -> %s', (line, expected) => {
    expect(isCommandLine(line)).toBe(expected);
  });
});

describe('readCommandLines', () => {
  it('numbers commands from 1, skipping blank and # lines, trimmed', async () => {
    const text = '# header\necho one\n\n   \n  echo two  \n# echo skipped\necho three # kept\n';
    expect(await collect(text)).toEqual([
      { number: 1, command: 'echo one' },
      { number: 2, command: 'echo two' },
      { number: 3, command: 'echo three # kept' },
    ]);
  });

  it('reads a last line without a newline, and CRLF lists', async () => {
    expect(await collect('echo a\r\necho b\r\necho c')).toEqual([
      { number: 1, command: 'echo a' },
      { number: 2, command: 'echo b' },
      { number: 3, command: 'echo c' },
    ]);
  });

  it('joins lines split across chunks', async () => {
    expect(await collect(['ec', 'ho a\necho', ' b\n'])).toEqual([
      { number: 1, command: 'echo a' },
      { number: 2, command: 'echo b' },
    ]);
  });

  it('yields nothing for an empty list', async () => {
    expect(await collect('')).toEqual([]);
    expect(await collect('\n# only comments\n\n')).toEqual([]);
  });
});
