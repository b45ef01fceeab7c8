import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_BYTES } from '../../src/fleet/line-splitter.js';

/** Feeds `chunks` through a splitter; what came out, one Buffer per call. */
function split(chunks: readonly Buffer[], maxLine?: number): Buffer[] {
  const out: Buffer[] = [];
  const splitter = new LineSplitter((lines) => out.push(Buffer.from(lines)), maxLine);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.flush();
  return out;
}

const text = (out: readonly Buffer[]) => Buffer.concat(out).toString('utf8');

describe('LineSplitter', () => {
  it('passes on only whole lines, each ending with a newline, in the order they came', () => {
    const out = split([
      Buffer.from('first li'),
      Buffer.from('ne\nsecond\nthi'),
      Buffer.from('rd\n'),
    ]);
    expect(out.every((b) => b.at(-1) === 0x0a)).toBe(true);
    expect(text(out)).toBe('first line\nsecond\nthird\n');
  });

  it('keeps multi-byte characters whole across chunk boundaries', () => {
    const bytes = Buffer.from('héllo wörld\nzwei\n');
    const out = split([...bytes].map((b) => Buffer.from([b])));
    expect(out.map((b) => b.toString('utf8'))).toEqual(['héllo wörld\n', 'zwei\n']);
  });

  it('keeps blank lines and adds a newline only to a last line without one', () => {
    expect(text(split([Buffer.from('a\n\nb\n')]))).toBe('a\n\nb\n');
    expect(text(split([Buffer.from('a\nno newline')]))).toBe('a\nno newline\n');
    expect(split([])).toEqual([]);
  });

  it('passes lines that arrived together on together, not one call a line', () => {
    const out = split([Buffer.from('1\n2\n3\n4\n')]);
    expect(out).toHaveLength(1);
  });

  it('passes on a line longer than the limit in pieces of the limit, whatever the chunks', () => {
    const long = 'x'.repeat(25);
    for (const chunkSize of [1, 3, 7, 100]) {
      const input = Buffer.from(`short\n${long}\nend\n`);
      const chunks = [];
      for (let i = 0; i < input.length; i += chunkSize)
        chunks.push(input.subarray(i, i + chunkSize));
      const lines = text(split(chunks, 10)).split('\n');
      expect(lines).toEqual(['short', 'x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5), 'end', '']);
    }
  });

  it('passes a line of exactly the limit on whole, with no empty line after it', () => {
    expect(text(split([Buffer.from('abcd'), Buffer.from('\nz\n')], 4))).toBe('abcd\nz\n');
    expect(text(split([Buffer.from('abcd\nz\n')], 4))).toBe('abcd\nz\n');
  });

  it('never cuts a character in two when it cuts a long line', () => {
    const line = 'é'.repeat(20); // two bytes each
    const out = split([Buffer.from(`${line}\n`)], 7);
    for (const piece of out) expect(piece.toString('utf8')).not.toContain('\ufffd');
    expect(text(out).replaceAll('\n', '')).toBe(line);
  });

  it('holds at most one limit of a line without newlines, however much arrives', () => {
    let held = 0;
    let calls = 0;
    const splitter = new LineSplitter((piece) => {
      calls++;
      expect(piece.length).toBeLessThanOrEqual(MAX_LINE_BYTES + 1);
      held = 0;
    });
    const chunk = Buffer.alloc(32 * 1024, 'a');
    for (let i = 0; i < 1024; i++) {
      splitter.push(chunk); // 32 MiB in all, no newline
      held += chunk.length;
      expect(held).toBeLessThanOrEqual(MAX_LINE_BYTES + chunk.length);
    }
    splitter.flush();
    expect(calls).toBe((32 * 1024 * 1024) / MAX_LINE_BYTES);
  });
});
