import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import vm from 'node:vm';

/**
 * V8's code cache for one CommonJS file: Node 20 has no compile cache of its own (22 has
 * module.enableCompileCache), and compiling lwt's CLI bundle with ssh2 and yargs in it was
 * about a third of a short run's CPU. Measured in NOTES.md (2026-11-23, fourth session).
 */
export interface CachedModule {
  readonly exports: unknown;
  /** absent: no cache file (or none wanted); accepted: V8 used it; rejected: V8 refused it. */
  readonly cache: 'absent' | 'accepted' | 'rejected';
  /**
   * Writes the cache when there was no usable one, from everything compiled so far: call it
   * when the run is over, so that the functions the run needed are in it, not only the top
   * level. Best effort: a cache that cannot be written only means the next start compiles.
   */
  readonly save: () => void;
}

/** Loads `file` as CommonJS (its own require, module, __filename), with `cacheFile` if given. */
export function loadCommonJs(file: string, cacheFile: string | undefined): CachedModule {
  const source = readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache yet: this run compiles and writes one.
    }
  }
  // The same wrapper as Node's loader, so that the file sees what a required module sees.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  const cache =
    cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));

  const save = () => {
    if (cacheFile === undefined || cache === 'accepted') return;
    try {
      mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
      // Written aside and renamed: a concurrent start reads a whole cache or none.
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
      renameSync(temp, cacheFile);
    } catch {
      // A read-only or full home: run without a cache.
    }
  };
  return { exports: module.exports, cache, save };
}

/**
 * Where the cache of `file` for `command` lives: $XDG_CACHE_HOME/lwt (else ~/.cache/lwt), named
 * by everything that decides whether it fits. V8 checks its version and flags itself, but it
 * matches the source by length only, so the file's identity (size, mtime, inode) is in the
 * name: a rebuilt bundle never runs a stale cache. The flags are in it too, so that `lwt put`
 * (started with a heap flag) and `lwt exec` keep one each instead of replacing each other's.
 * Undefined when there is no home to put it in.
 */
export function cacheFileFor(
  file: string,
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  let root: string;
  if (xdg !== undefined && isAbsolute(xdg)) root = xdg;
  else {
    const home = env.HOME ?? safeHomedir();
    if (home === undefined || !isAbsolute(home)) return undefined;
    root = join(home, '.cache');
  }
  let identity: string;
  try {
    const stat = statSync(file);
    identity = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  } catch {
    return undefined;
  }
  const key = createHash('sha256')
    .update(
      JSON.stringify([file, identity, process.version, process.arch, process.execArgv, command]),
    )
    .digest('hex')
    .slice(0, 20);
  return join(root, 'lwt', 'code-cache', `${command}-${key}.v8`);
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
