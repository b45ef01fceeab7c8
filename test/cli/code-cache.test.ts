import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cacheFileFor } from '../../src/cli/code-cache.js';
import { commandOf } from '../../src/cli/command-names.js';
import { repoRoot, runLwt } from '../helpers/lwt-process.js';

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

interface Loaded {
  cache: string;
  answer: number;
  where: string;
}

/**
 * loadCommonJs (as built in dist/) in a new node process, as the bins use it: within one
 * process V8 keeps compiled scripts in memory and would not even look at the cache file.
 * Saves afterwards as a complete or incomplete run unless told not to.
 */
function load(
  file: string,
  cacheFile: string,
  save: 'complete' | 'incomplete' | 'no' = 'no',
): Loaded {
  const script = `
    const { loadCommonJs } = await import(process.argv[1]);
    const loaded = loadCommonJs(process.argv[2], process.argv[3]);
    if (process.argv[4] !== 'no') loaded.save(process.argv[4] === 'complete');
    const { answer, where } = loaded.exports;
    console.log(JSON.stringify({ cache: loaded.cache, answer: answer(), where: where?.() }));`;
  const codeCache = join(repoRoot, 'dist', 'cli', 'code-cache.js');
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, codeCache, file, cacheFile, save],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`load failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Loaded;
}

describe('loadCommonJs', () => {
  it('runs the file as CommonJS, writes a cache on save, and V8 takes it the next time', () => {
    const file = writeModule('m.cjs', 42);
    const cacheFile = join(dir, 'cache', 'm.v8');

    expect(load(file, cacheFile, 'complete')).toEqual({
      cache: 'absent',
      answer: 42,
      where: 'm.cjs object',
    });
    // Written aside and renamed: nothing else is left in the folder.
    expect(readdirSync(join(dir, 'cache'))).toEqual(['m.v8']);
    expect(load(file, cacheFile)).toEqual({ cache: 'accepted', answer: 42, where: 'm.cjs object' });
  });

  it('never runs a cache made for an earlier build of the file, even at the same length', () => {
    const file = writeModule('m.cjs', 1);
    const cacheFile = join(dir, 'm.v8');
    load(file, cacheFile, 'complete');
    expect(load(file, cacheFile).cache).toBe('accepted');

    // Same length, other answer: V8 alone would take the old cache for it.
    writeModule('m.cjs', 2);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(load(file, cacheFile, 'complete')).toMatchObject({ cache: 'stale', answer: 2 });
    expect(load(file, cacheFile)).toMatchObject({ cache: 'accepted', answer: 2 });
  });

  it("tells builds apart by the bundle's id line where size, mtime and inode agree", () => {
    // npm installs every file with the same mtime; an upgrade may land on a reused inode.
    const file = join(dir, 'bundle.cjs');
    const write = (answer: number, id: string) =>
      writeFileSync(
        file,
        `exports.answer = () => ${answer};\n//# lwt-bundle-id=${id}\n//# sourceMappingURL=x.map\n`,
      );
    write(1, 'aaaa');
    const stamp = new Date('1985-10-26T08:15:00Z');
    utimesSync(file, stamp, stamp);
    const cacheFile = join(dir, 'm.v8');
    expect(load(file, cacheFile, 'complete')).toMatchObject({ cache: 'absent', answer: 1 });
    const { ino } = statSync(file);

    write(2, 'bbbb'); // in place: same inode, same length
    utimesSync(file, stamp, stamp);
    expect(statSync(file).ino).toBe(ino);
    expect(load(file, cacheFile, 'complete')).toMatchObject({ cache: 'stale', answer: 2 });
    expect(load(file, cacheFile)).toMatchObject({ cache: 'accepted', answer: 2 });
  });

  it('makes a cache from an incomplete run again after the next complete one, then keeps it', () => {
    const file = writeModule('m.cjs', 1);
    const cacheFile = join(dir, 'm.v8');
    const stamp = () => {
      const { ino, mtimeMs } = statSync(cacheFile);
      return `${ino} ${mtimeMs}`;
    };
    load(file, cacheFile, 'incomplete');
    const partial = stamp();
    // Another incomplete run keeps it; a complete run replaces it once.
    expect(load(file, cacheFile, 'incomplete').cache).toBe('accepted');
    expect(stamp()).toBe(partial);
    expect(load(file, cacheFile, 'complete').cache).toBe('accepted');
    const full = stamp();
    expect(full).not.toBe(partial);
    load(file, cacheFile, 'complete');
    load(file, cacheFile, 'incomplete');
    expect(stamp()).toBe(full);
  });

  it('runs without a cache that V8 refuses or that is not one, and replaces it on save', () => {
    const file = writeModule('m.cjs', 7);
    const cacheFile = join(dir, 'm.v8');
    writeFileSync(cacheFile, 'not a code cache');
    expect(load(file, cacheFile, 'complete')).toMatchObject({ cache: 'stale', answer: 7 });
    expect(load(file, cacheFile).cache).toBe('accepted');

    // Our header, then data V8 cannot use.
    const stored = readFileSync(cacheFile);
    const headerEnd = stored.indexOf(0x0a) + 1;
    writeFileSync(cacheFile, Buffer.concat([stored.subarray(0, headerEnd), Buffer.alloc(64, 7)]));
    expect(load(file, cacheFile, 'complete')).toMatchObject({ cache: 'rejected', answer: 7 });
    expect(load(file, cacheFile).cache).toBe('accepted');
  });

  it('neither reads nor writes a cache in a folder that others can write to', () => {
    const file = writeModule('m.cjs', 3);
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const cacheFile = join(shared, 'm.v8');
    expect(load(file, cacheFile, 'complete').cache).toBe('absent');
    expect(readdirSync(shared)).toEqual([]);
    // A cache someone put there is not run.
    chmodSync(shared, 0o700);
    load(file, cacheFile, 'complete');
    expect(load(file, cacheFile).cache).toBe('accepted');
    chmodSync(shared, 0o777);
    expect(load(file, cacheFile).cache).toBe('absent');
  });

  it.skipIf(process.getuid?.() !== 0)(
    "as root, neither reads from nor makes a folder in another user's (sudo keeping HOME)",
    () => {
      const file = writeModule('m.cjs', 4);
      const home = join(dir, 'user-home');
      mkdirSync(home, { mode: 0o700 });
      chownSync(home, 65534, 65534);
      expect(load(file, join(home, '.cache', 'lwt', 'code-cache', 'm.v8'), 'complete').cache).toBe(
        'absent',
      );
      expect(readdirSync(home)).toEqual([]);
      // Nor one the user made: it is theirs, not root's.
      const theirs = join(dir, 'theirs');
      mkdirSync(theirs, { mode: 0o700 });
      load(file, join(theirs, 'm.v8'), 'complete');
      chownSync(theirs, 65534, 65534);
      expect(load(file, join(theirs, 'm.v8')).cache).toBe('absent');
    },
  );

  it('does not fail when the cache cannot be written', () => {
    const file = writeModule('m.cjs', 1);
    // A folder that cannot be made, for root too: its parent is a file.
    writeFileSync(join(dir, 'a-file'), '');
    const cacheFile = join(dir, 'a-file', 'sub', 'm.v8');
    expect(load(file, cacheFile, 'complete')).toMatchObject({ cache: 'absent', answer: 1 });
    expect(load(file, cacheFile).cache).toBe('absent');
  });
});

describe('cacheFileFor', () => {
  it('keeps one cache a command, under ~/.cache without XDG_CACHE_HOME, none without a home', () => {
    const xdg = { XDG_CACHE_HOME: join(dir, 'xdg') };
    expect(cacheFileFor('exec', xdg)).toMatch(
      new RegExp(`^${join(dir, 'xdg', 'lwt', 'code-cache')}/exec-[0-9a-f]{16}\\.v8$`),
    );
    mkdirSync(join(dir, 'home'));
    const home = { HOME: join(dir, 'home') };
    expect(cacheFileFor('exec', home)).not.toBe(cacheFileFor('put', home));
    expect(cacheFileFor('exec', home)?.startsWith(join(dir, 'home', '.cache', 'lwt'))).toBe(true);
    expect(cacheFileFor('exec', { HOME: 'relative/home' })).toBeUndefined();
    expect(cacheFileFor('exec', { HOME: join(dir, 'no-such-home') })).toBeUndefined();
  });

  it('keys by the command a run is for', () => {
    expect(commandOf(undefined, ['exec', '--', 'uptime'])).toBe('exec');
    expect(commandOf('put-all-diff', ['dir', '/tmp'])).toBe('put-all-diff');
    expect(commandOf(undefined, ['--version'])).toBe('other');
    // Help runs none of the command's code; an argument after -- is the remote command's.
    expect(commandOf(undefined, ['exec', '--help'])).toBe('other');
    expect(commandOf('exec', ['-h'])).toBe('other');
    expect(commandOf(undefined, ['exec', '--', 'grep', '-h', 'x'])).toBe('exec');
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
    expect(files[0]).toMatch(/^run-[0-9a-f]{16}\.v8$/);
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

  it('write none after a usage error, and a partial one after a run cut short', async () => {
    const env = { XDG_CACHE_HOME: join(dir, 'xdg') };
    const cacheDir = join(dir, 'xdg', 'lwt', 'code-cache');
    const usage = await runLwt(['run', '--no-such-option'], { input: '', env });
    expect(usage.code).toBe(2);
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);

    const timedOut = await runLwt(['run', '-t', '0.2', '--tag', 'none'], {
      input: 'sleep 5\n',
      env,
    });
    expect(timedOut.code).toBe(3);
    const [file] = readdirSync(cacheDir);
    expect(readFileSync(join(cacheDir, file as string), 'latin1').split('\n')[0]).toMatch(
      /^lwt-code-cache 1 part \//,
    );
  });
});
