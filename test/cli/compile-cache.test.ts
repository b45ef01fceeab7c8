import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileCacheFolder } from '../../src/cli/compile-cache.js';
import { normalizeSummary, runLwt } from '../helpers/lwt-process.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lwt-compile-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under `root`, with its inode and mtime: what a run wrote or left alone. */
function filesUnder(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  if (!existsSync(root)) return found;
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const stat = statSync(join(root, name));
    if (stat.isFile()) found[name] = `${stat.ino} ${stat.mtimeMs}`;
  }
  return found;
}

/** Node 22.1 and later have a compile cache; Node 20 has none, and lwt then runs without. */
const nodeHasCompileCache = 'enableCompileCache' in nodeModule;

describe("the bins and Node's compile cache", () => {
  it(
    nodeHasCompileCache
      ? 'write it on the first run, take it on the next, and behave the same'
      : 'run without one on a Node that has none, and write nothing',
    async () => {
      const env = { XDG_CACHE_HOME: join(dir, 'xdg') };
      const run = async () => {
        const result = await runLwt(['run', '-j', '2', '--tag', 'none'], {
          input: 'echo one\nexit 3\n',
          env,
        });
        return { ...result, stderr: normalizeSummary(result.stderr) };
      };
      const first = await run();
      expect(first).toMatchObject({ code: 1, stdout: 'one\n' });
      const cache = join(dir, 'xdg', 'lwt', 'compile-cache');
      const written = filesUnder(cache);
      expect(Object.keys(written).length > 0).toBe(nodeHasCompileCache);

      const second = await run();
      expect(second).toEqual(first);
      // Not written again: Node rewrites an entry only when V8 refused it.
      expect(filesUnder(cache)).toEqual(written);
    },
  );
});

describe('compileCacheFolder', () => {
  it('is under XDG_CACHE_HOME, else ~/.cache; none without a home', () => {
    expect(compileCacheFolder({ XDG_CACHE_HOME: join(dir, 'xdg') })).toBe(
      join(dir, 'xdg', 'lwt', 'compile-cache'),
    );
    mkdirSync(join(dir, 'home'));
    expect(compileCacheFolder({ HOME: join(dir, 'home') })).toBe(
      join(dir, 'home', '.cache', 'lwt', 'compile-cache'),
    );
    expect(statSync(join(dir, 'home', '.cache', 'lwt', 'compile-cache')).mode & 0o777).toBe(0o700);
    expect(compileCacheFolder({ HOME: 'relative/home' })).toBeUndefined();
    // A home that does not exist is not made.
    expect(compileCacheFolder({ HOME: join(dir, 'no-such-home') })).toBeUndefined();
    expect(existsSync(join(dir, 'no-such-home'))).toBe(false);
  });

  it('is none when others can write to it', () => {
    const shared = join(dir, 'shared', 'lwt', 'compile-cache');
    mkdirSync(shared, { recursive: true });
    chmodSync(shared, 0o777);
    expect(compileCacheFolder({ XDG_CACHE_HOME: join(dir, 'shared') })).toBeUndefined();
    chmodSync(shared, 0o700);
    expect(compileCacheFolder({ XDG_CACHE_HOME: join(dir, 'shared') })).toBe(shared);
  });

  it('is none when it cannot be made', () => {
    // For root too: its parent is a file.
    writeFileSync(join(dir, 'a-file'), '');
    expect(compileCacheFolder({ XDG_CACHE_HOME: join(dir, 'a-file') })).toBeUndefined();
  });

  it.skipIf(process.getuid?.() !== 0)(
    "as root, is none in another user's folder, nor made there (sudo keeping HOME)",
    () => {
      const home = join(dir, 'user-home');
      mkdirSync(home, { mode: 0o700 });
      chownSync(home, 65534, 65534);
      expect(compileCacheFolder({ HOME: home })).toBeUndefined();
      expect(readdirSync(home)).toEqual([]);
      // Nor one the user made: it is theirs, not root's.
      const theirs = join(dir, 'theirs', 'lwt', 'compile-cache');
      mkdirSync(theirs, { recursive: true, mode: 0o700 });
      chownSync(theirs, 65534, 65534);
      expect(compileCacheFolder({ XDG_CACHE_HOME: join(dir, 'theirs') })).toBeUndefined();
    },
  );
});
