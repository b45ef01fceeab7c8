import {
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import type * as Crypto from 'node:crypto';
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
  /**
   * absent: no cache file; stale: one made for another build of the file; rejected: V8 refused
   * it (another V8 or other flags); accepted: V8 used it.
   */
  readonly cache: 'absent' | 'stale' | 'rejected' | 'accepted';
  /**
   * Writes the cache from everything compiled so far: call it when the run is over, so that the
   * functions the run needed are in it, not only the top level. `complete` says the run did
   * all of its work (a run that found every host down compiled a fraction of it): a cache
   * made by an incomplete run is made again by the next complete one, and an accepted cache
   * from a complete run is kept. Best effort: a cache that cannot be written only means that
   * the next start compiles.
   */
  readonly save: (complete: boolean) => void;
}

/** The first line of a cache file is `MAGIC full|part IDENTITY`; the rest is V8's data. */
const MAGIC = 'lwt-code-cache 1';

/** Loads `file` as CommonJS (its own require, module, __filename), with `cacheFile` if given. */
export function loadCommonJs(file: string, cacheFile: string | undefined): CachedModule {
  const source = readFileSync(file, 'utf8');
  // V8 checks its version and flags, but it matches the source by length only: the header
  // names the build of the file, so a rebuilt file never runs old code.
  const identity = identityOf(file, source);
  const headerFor = (kind: 'full' | 'part') => Buffer.from(`${MAGIC} ${kind} ${identity}\n`);
  let cache: CachedModule['cache'] = 'absent';
  let cachedData: Buffer | undefined;
  let storedKind: 'full' | 'part' | undefined;
  const target = cacheFile !== undefined && ownFolder(dirname(cacheFile)) ? cacheFile : undefined;
  if (target !== undefined) {
    const stored = readOrUndefined(target);
    if (stored !== undefined) {
      for (const kind of ['full', 'part'] as const) {
        const header = headerFor(kind);
        if (stored.subarray(0, header.length).equals(header)) {
          cachedData = stored.subarray(header.length);
          storedKind = kind;
        }
      }
      if (cachedData === undefined) cache = 'stale';
    }
  }
  // The same wrapper as Node's loader, so that the file sees what a required module sees.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  if (cachedData !== undefined) cache = script.cachedDataRejected ? 'rejected' : 'accepted';
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));

  const save = (complete: boolean) => {
    if (target === undefined) return;
    if (cache === 'accepted' && (storedKind === 'full' || !complete)) return;
    // Written aside and renamed: a concurrent start reads a whole cache or none.
    const temp = `${target}.${process.pid}.tmp`;
    try {
      const data = script.createCachedData();
      writeFileSync(temp, Buffer.concat([headerFor(complete ? 'full' : 'part'), data]), {
        mode: 0o600,
      });
      renameSync(temp, target);
    } catch {
      // A read-only or full home: run without a cache, and leave no half-written one behind.
      try {
        rmSync(temp, { force: true });
      } catch {
        // Nothing was written, then.
      }
    }
  };
  return { exports: module.exports, cache, save };
}

/**
 * Where a command's cache lives: $XDG_CACHE_HOME/lwt (else ~/.cache/lwt), one file a command
 * and Node flags, so that `lwt put` (started with a heap flag) and `lwt exec` keep one each
 * instead of replacing each other's; a rebuilt bundle overwrites its file. Undefined when
 * there is no home to put it in.
 */
export function cacheFileFor(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  let root: string;
  if (xdg !== undefined && isAbsolute(xdg)) root = xdg;
  else {
    const home = env.HOME ?? safeHomedir();
    // A home that does not exist is not made (HOME=/nonexistent is how some services run).
    if (home === undefined || !isAbsolute(home) || !isDirectory(home)) {
      return undefined;
    }
    root = join(home, '.cache');
  }
  // Required here, not imported: an import would load node:crypto before start.ts has put the
  // heap flag back (heap-flag.ts), and compile it without Node's own code cache (15 ms).
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof Crypto;
  const flags = createHash('sha256')
    .update(JSON.stringify([process.version, process.arch, process.execArgv]))
    .digest('hex')
    .slice(0, 16);
  return join(root, 'lwt', 'code-cache', `${command}-${flags}.v8`);
}

/**
 * A cache is code that V8 will run, so it is only read from, and written to, a folder that is
 * ours and that nobody else can write to, made (0700) only inside a folder of ours. Otherwise
 * (sudo keeping the user's HOME, an XDG_CACHE_HOME in a shared place) lwt runs without one.
 */
function ownFolder(dir: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return false;
  const isOurs = (stat: Stats | undefined) =>
    stat !== undefined && stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0;
  const existing = lstatOrUndefined(dir);
  // The usual start: the folder is there, and one lstat says whether it is fit.
  if (existing !== undefined) return isOurs(existing);
  for (let at = dirname(dir); ; at = dirname(at)) {
    const stat = lstatOrUndefined(at);
    if (stat !== undefined) {
      if (stat.uid !== uid) return false;
      break;
    }
    if (dirname(at) === at) return false;
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return false;
  }
  return isOurs(lstatOrUndefined(dir));
}

/** Following links: a home may well be one. */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The id line that scripts/bundle-cli.mjs puts near the end of the bundle. */
const BUNDLE_ID = /\n\/\/# lwt-bundle-id=([0-9a-f]+)\n/;

/**
 * Size, mtime and inode, and the build's content hash when the file carries one: npm gives
 * every file it installs the same mtime, and an inode can be reused.
 */
function identityOf(file: string, source: string): string {
  const stat = statSync(file);
  const id = BUNDLE_ID.exec(source.slice(-4096))?.[1] ?? '-';
  return `${file} ${stat.size} ${stat.mtimeMs} ${stat.ino} ${id}`;
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
