import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFileFor, loadCommonJs } from '../../src/cli/code-cache.js';
import { commandOf } from '../../src/cli/command-names.js';
import { runLwt } from '../helpers/lwt-process.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lwt-code-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A CommonJS file with a function that only runs when called (so it is compiled lazily). */
function writeModule(name: string, answer: number): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `const path = require('node:path');\n` +
      `exports.answer = function answer() { return ${answer}; };\n` +
      `exports.where = () => path.basename(__filename) + ' ' + typeof module.exports;\n`,
  );
  return file;
}

describe('loadCommonJs', () => {
  it('runs the file as CommonJS, writes a cache on save, and V8 takes it the next time', () => {
    const file = writeModule('m.cjs', 42);
    const cacheFile = join(dir, 'cache', 'm.v8');

    const first = loadCommonJs(file, cacheFile);
    const api = first.exports as { answer(): number; where(): string };
    expect(api.answer()).toBe(42);
    expect(api.where()).toBe('m.cjs object');
    expect(first.cache).toBe('absent');
    first.save();
    expect(existsSync(cacheFile)).toBe(true);
    // Written aside and renamed: nothing else is left in the folder.
    expect(readdirSync(join(dir, 'cache'))).toEqual(['m.v8']);

    const second = loadCommonJs(file, cacheFile);
    expect(second.cache).toBe('accepted');
    expect((second.exports as { answer(): number }).answer()).toBe(42);
  });

  it('runs without the cache when V8 refuses it, and replaces it on save', () => {
    const file = writeModule('m.cjs', 7);
    const cacheFile = join(dir, 'm.v8');
    writeFileSync(cacheFile, 'not a code cache');

    const loaded = loadCommonJs(file, cacheFile);
    expect(loaded.cache).toBe('rejected');
    expect((loaded.exports as { answer(): number }).answer()).toBe(7);
    loaded.save();
    expect(loadCommonJs(file, cacheFile).cache).toBe('accepted');
  });

  it('does not fail when the cache cannot be written', () => {
    const file = writeModule('m.cjs', 1);
    // A folder that cannot be made, for root too: its parent is a file.
    writeFileSync(join(dir, 'a-file'), '');
    const cacheFile = join(dir, 'a-file', 'sub', 'm.v8');
    const loaded = loadCommonJs(file, cacheFile);
    expect(() => loaded.save()).not.toThrow();
    expect((loaded.exports as { answer(): number }).answer()).toBe(1);
  });
});

describe('cacheFileFor', () => {
  it('names a new cache when the file is rebuilt, even at the same length', () => {
    const file = writeModule('bundle.cjs', 1);
    const env = { XDG_CACHE_HOME: join(dir, 'xdg') };
    const before = cacheFileFor(file, 'exec', env);
    expect(before?.startsWith(join(dir, 'xdg', 'lwt', 'code-cache', 'exec-'))).toBe(true);
    expect(cacheFileFor(file, 'exec', env)).toBe(before);

    // Same length, other content, other mtime: V8 alone would take the old cache for it.
    writeModule('bundle.cjs', 2);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(cacheFileFor(file, 'exec', env)).not.toBe(before);
  });

  it('keeps one cache a command, under ~/.cache without XDG_CACHE_HOME, none without a home', () => {
    const file = writeModule('bundle.cjs', 1);
    const home = { HOME: join(dir, 'home') };
    expect(cacheFileFor(file, 'exec', home)).not.toBe(cacheFileFor(file, 'put', home));
    expect(cacheFileFor(file, 'exec', home)?.startsWith(join(dir, 'home', '.cache', 'lwt'))).toBe(
      true,
    );
    expect(cacheFileFor(file, 'exec', { HOME: 'relative/home' })).toBeUndefined();
  });

  it('keys by the command a run is for', () => {
    expect(commandOf(undefined, ['exec', '--', 'uptime'])).toBe('exec');
    expect(commandOf('put-all-diff', ['dir', '/tmp'])).toBe('put-all-diff');
    expect(commandOf(undefined, ['--version'])).toBe('other');
    expect(commandOf(undefined, ['no-such-command'])).toBe('other');
  });
});

describe('the bins with a code cache', () => {
  it('write one on the first run, use it on the next, and behave the same', async () => {
    const env = { XDG_CACHE_HOME: join(dir, 'xdg') };
    const first = await runLwt(['run', '-j', '2', '--tag', 'none'], {
      input: 'echo one\nexit 3\n',
      env,
    });
    const cacheDir = join(dir, 'xdg', 'lwt', 'code-cache');
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^run-[0-9a-f]{20}\.v8$/);
    const written = statSync(join(cacheDir, files[0] as string));

    const second = await runLwt(['run', '-j', '2', '--tag', 'none'], {
      input: 'echo one\nexit 3\n',
      env,
    });
    expect(second).toEqual(first);
    expect(first.stdout).toBe('one\n');
    expect(first.code).toBe(1);
    // Not written again: the second run took it (a refused cache is replaced at exit).
    expect(readdirSync(cacheDir)).toEqual(files);
    const after = statSync(join(cacheDir, files[0] as string));
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
  });
});
