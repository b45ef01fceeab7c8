import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { HostsState } from './hosts-state.js';

/** The state folder's name, next to the hosts file. */
export const STATE_DIR_NAME = '.lwt';
export const STATE_FILE_NAME = 'hosts-state.json';

/** `<folder of the hosts file>/.lwt`: the one place a workspace keeps what lwt learned. */
export function stateDirFor(hostsFile: string): string {
  return join(dirname(hostsFile), STATE_DIR_NAME);
}

export type LoadedState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly state: HostsState }
  /** Not lwt's format (edited by hand, a newer version): callers say so and go on without it. */
  | { readonly kind: 'unreadable'; readonly message: string };

/** Reads the state file. A missing file is no state; it is never half-written (see save). */
export async function loadHostsState(path: string): Promise<LoadedState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', message: (error as Error).message };
  }
  try {
    const parsed = JSON.parse(text) as Partial<HostsState> | null;
    if (parsed?.version !== 1 || typeof parsed.hosts !== 'object' || parsed.hosts === null) {
      return { kind: 'unreadable', message: 'not an lwt hosts state (version 1)' };
    }
    return { kind: 'ok', state: parsed as HostsState };
  } catch (error) {
    return { kind: 'unreadable', message: `not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * Replaces the state file atomically: write a temporary file in the same folder, fsync it,
 * rename it over the old one, fsync the folder. A crash at any point leaves the old content or
 * the new, never a mix; it may leave a temporary file, which a later save removes.
 */
export async function saveHostsState(path: string, state: HostsState): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  await removeStaleTemporaries(dir, basename(path));
  const temporary = join(
    dir,
    `${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    const file = await open(temporary, 'wx', 0o644);
    try {
      await file.writeFile(JSON.stringify(state, null, 1) + '\n');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dir);
}

/** The rename is durable only once the folder's entry is on disk too. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

/** Temporary files of writers that died (kill -9) more than a minute ago. */
async function removeStaleTemporaries(dir: string, name: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const cutoff = Date.now() - 60_000;
  for (const entry of entries) {
    if (!entry.startsWith(`${name}.tmp-`)) continue;
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
  }
}
