import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/lwt-process.js';

/**
 * releaseHeapFlag (as built in dist/) in a new node process started with `flags`: V8's flags
 * are the process's, and its code-cache tag (a hash of them) says which flags are in force.
 */
function run(flags: readonly string[]): { before: number; released: boolean; after: number } {
  const script = `
    import v8 from 'node:v8';
    const { releaseHeapFlag } = await import(process.argv[1]);
    const before = v8.cachedDataVersionTag();
    const released = releaseHeapFlag();
    console.log(JSON.stringify({ before, released, after: v8.cachedDataVersionTag() }));`;
  const result = spawnSync(
    process.execPath,
    [...flags, '--input-type=module', '-e', script, join(repoRoot, 'dist', 'cli', 'heap-flag.js')],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`node failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { before: number; released: boolean; after: number };
}

describe('releaseHeapFlag', () => {
  it("puts put's heap flag back: V8's flags then match those Node's own code cache was made under", () => {
    const plain = run([]);
    const withFlag = run(['--initial-old-space-size=64']);
    expect(withFlag.before).not.toBe(plain.before);
    expect(withFlag.released).toBe(true);
    expect(withFlag.after).toBe(plain.before);
  });

  it('does nothing without the flag', () => {
    const plain = run([]);
    expect(plain.released).toBe(false);
    expect(plain.after).toBe(plain.before);
  });
});
