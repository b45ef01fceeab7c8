import { lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * Node's own compile cache (module.enableCompileCache, Node 22.1 and later) for the CLI bundle
 * the bins load: V8's compiled code for its top level is kept on disk, so that a start does not
 * compile it again. On Node 20, which has none, lwt compiles at every start. Measured in
 * NOTES.md (2026-12-03).
 */
type EnableCompileCache = (directory: string) => unknown;

/** Turns the cache on for what is loaded from here on; the folder it uses, if any. */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const enable = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (enable === undefined) return undefined;
  const folder = compileCacheFolder(env);
  if (folder !== undefined) enable(folder);
  return folder;
}

/**
 * $XDG_CACHE_HOME/lwt/compile-cache, else ~/.cache/lwt/compile-cache, made (0700) when missing.
 * A cache is code that V8 will run, so the folder must be ours and writable by nobody else,
 * and is only made inside a folder of ours: otherwise (sudo keeping the user's HOME, an
 * XDG_CACHE_HOME in a shared place) undefined, and lwt runs without a cache. A home that does
 * not exist is never made (HOME=/nonexistent is how some services run).
 */
export function compileCacheFolder(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  let root: string;
  if (xdg !== undefined && isAbsolute(xdg)) root = xdg;
  else {
    const home = env.HOME ?? safeHomedir();
    if (home === undefined || !isAbsolute(home) || !isDirectory(home)) return undefined;
    root = join(home, '.cache');
  }
  const folder = join(root, 'lwt', 'compile-cache');
  return ownFolder(folder) ? folder : undefined;
}

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

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
