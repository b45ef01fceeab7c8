import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/fleet/line-splitter.js';

describe('LineSplitter', () => {
  it('keeps multi-byte characters whole across chunk boundaries', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('héllo wörld\nzwei\n');
    for (const b of bytes) splitter.push(Buffer.from([b]));
    splitter.flush();
    expect(lines).toEqual(['héllo wörld', 'zwei']);
  });

  it('emits an empty line for a blank line and nothing extra at the end', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    splitter.push(Buffer.from('a\n\nb\n'));
    splitter.flush();
    expect(lines).toEqual(['a', '', 'b']);
  });
});
