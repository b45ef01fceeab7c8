import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TransferError } from '../transport/file-errors.js';
import { localReason } from './local-error.js';

/**
 * mkdir -p for every folder lwt makes on this machine (get's LOCALDIR, exec's -o DIR): makes
 * `path` and its missing parents, and fails with the folder that could not be made and why.
 * Not Node's `recursive: true`: under /proc, where mkdir says ENOENT though the parent exists,
 * Node 20's recursive mkdir retries for ever at 100% CPU. Here each level is tried at most
 * twice: before and after its parent is made.
 */
export async function makeLocalDirs(path: string, mode = 0o755): Promise<void> {
  const first = await tryMkdir(path, mode);
  if (first !== 'missing parent') return;
  const up = dirname(path);
  if (up === path || (await isFolder(up))) throw cannotMake(path, 'no such file or directory');
  await makeLocalDirs(up, mode);
  if ((await tryMkdir(path, mode)) === 'missing parent') {
    throw cannotMake(path, 'no such file or directory');
  }
}

/** mkdir of one level: done (made, or a folder is there already), or its parent is missing. */
async function tryMkdir(path: string, mode: number): Promise<'done' | 'missing parent'> {
  try {
    await mkdir(path, { mode });
    return 'done';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing parent';
    if (code === 'ENOTDIR') await blameFileAbove(path);
    if (code !== 'EEXIST') throw cannotMake(path, localReason(error));
  }
  // Something is there: fine when it is a folder (another host's get made it meanwhile, say).
  if (!(await isFolder(path))) throw cannotMake(path, 'no such file or directory');
  return 'done';
}

/** Whether a folder is at `path`; a file there is an error that says so. */
async function isFolder(path: string): Promise<boolean> {
  const there = await stat(path).catch(() => undefined);
  if (there && !there.isDirectory()) {
    throw new TransferError(path, 'not a folder (a file is in the way)');
  }
  return there !== undefined;
}

/** ENOTDIR: the file among `path`'s parents that is in the way, named. */
async function blameFileAbove(path: string): Promise<void> {
  for (let up = dirname(path); up !== dirname(up); up = dirname(up)) await isFolder(up);
}

function cannotMake(path: string, reason: string): TransferError {
  return new TransferError(path, `cannot make the folder: ${reason}`);
}
