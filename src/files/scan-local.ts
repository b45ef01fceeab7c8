import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../usage-error.js';
import type { TreeEntry } from './tree-entry.js';

/**
 * The entries of a local file or folder, named under `rel` (the folder's contents directly
 * when `rel` is ''). The path given is followed if it is a link; links inside folders are
 * entries of their own, sent as links. Parents come before their children.
 */
export async function scanLocal(path: string, rel: string): Promise<TreeEntry[]> {
  const top = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `${path}: ${error.code === 'ENOENT' ? 'no such file or folder' : error.message}: give an existing file or folder`,
    );
  });
  const entries: TreeEntry[] = [];
  if (top.isDirectory()) {
    if (rel !== '') entries.push({ kind: 'dir', rel, mode: top.mode & 0o7777 });
    await walk(path, rel, entries);
  } else if (top.isFile()) {
    const name = rel === '' ? basename(path) : rel;
    entries.push(fileEntry(name, path, top));
  } else {
    throw new UsageError(`${path}: not a regular file or folder: give a file or a folder`);
  }
  return entries;
}

async function walk(dir: string, rel: string, into: TreeEntry[]): Promise<void> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const path = `${dir}/${name}`;
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const info = await lstat(path);
    if (info.isSymbolicLink()) {
      into.push({
        kind: 'symlink',
        rel: childRel,
        target: await readlink(path),
        mtimeSec: Math.floor(info.mtimeMs / 1000),
      });
    } else if (info.isDirectory()) {
      into.push({ kind: 'dir', rel: childRel, mode: info.mode & 0o7777 });
      await walk(path, childRel, into);
    } else if (info.isFile()) {
      into.push(fileEntry(childRel, path, info));
    }
    // Sockets, fifos and devices are not files one can copy: left out, as rsync does by default.
  }
}

function fileEntry(
  rel: string,
  source: string,
  info: { mode: number; size: number; mtimeMs: number },
): TreeEntry {
  return {
    kind: 'file',
    rel,
    mode: info.mode & 0o7777,
    size: info.size,
    mtimeSec: Math.floor(info.mtimeMs / 1000),
    source,
  };
}
