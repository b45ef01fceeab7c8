import {
  chmod,
  lstat,
  open as openLocal,
  readlink,
  rename,
  symlink,
  unlink,
  utimes,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { HostRun, HostSession } from './host-deadline.js';
import { makeLocalDirs } from './local-dirs.js';
import { localReason } from './local-error.js';
import { localSha256, remoteSha256 } from './checksums.js';
import { kindOfMode } from './put-plan.js';
import { resolveRemotePath } from './remote-paths.js';
import { runPool } from './put-host.js';
import { TransferError } from '../transport/file-errors.js';
import type { RemoteFiles } from '../transport/remote-files.js';
import {
  baseNameOf,
  joinPath,
  parentOf,
  tempNameFor,
  type CompareMode,
  type TreeEntry,
} from './tree-entry.js';

/** Files at once per host. */
const FILES_IN_FLIGHT = 16;
/**
 * 255 KiB reads, 8 in flight. Unlike put's writes (sftp-send.ts), smaller reads did not spare
 * sshd: 128 KiB x 4 cost it more and took longer (NOTES.md, 2026-11-23, third session).
 */
const CHUNK_BYTES = 255 * 1024;
const CHUNKS_IN_FLIGHT = 8;

export interface GetHostOptions extends HostRun {
  readonly compare: CompareMode;
}

/**
 * One host's get: REMOTE (a file or a folder, followed if it is a link) into `localDir`
 * under its own name. Each file is written under a temporary name and renamed into place with
 * its mode and mtime; a file whose size and mtime match is skipped (`quick`), or whose size
 * and sha256 match (`checksum`), unless `force`. Counts go into `options.tally` as files land.
 */
export async function getFromHost(
  host: HostSession,
  remote: string,
  localDir: string,
  options: GetHostOptions,
): Promise<void> {
  const session = await host.files();
  const path = await resolveRemotePath(session, host.target.home, remote);
  const top = await session.stat(path);
  if (!top) throw new TransferError(path, 'no such file or directory');
  const name = baseNameOf(path) || 'root';
  const entries: TreeEntry[] = [];
  if (top.isDirectory()) {
    entries.push({ kind: 'dir', rel: name, mode: top.mode & 0o7777 });
    await walkRemote(session, path, name, entries);
  } else if (top.isFile()) {
    entries.push(remoteFile(name, path, top));
  } else throw new TransferError(path, 'not a regular file or directory');

  await makeLocalDir(localDir, 0o755);
  const counts = options.tally;
  const same =
    options.compare === 'checksum'
      ? await sameContent(host, parentOf(path) || '/', localDir, entries)
      : new Set<string>();
  for (const dir of entries.filter((e) => e.kind === 'dir')) {
    await makeLocalDir(join(localDir, dir.rel), dir.mode);
  }
  const items = entries.filter((e) => e.kind !== 'dir');
  await runPool(items, FILES_IN_FLIGHT, async (entry) => {
    const target = join(localDir, entry.rel);
    if (entry.kind === 'symlink') {
      const current = await readlink(target).catch(() => undefined);
      if (options.compare !== 'force' && current === entry.target) {
        counts.filesSkipped++;
        return;
      }
      await placeLink(entry.target, target, join(localDir, tempNameFor(entry.rel, options.runId)));
      counts.filesCopied++;
      return;
    }
    if (entry.kind !== 'file') return;
    const here = await lstat(target).catch(() => undefined);
    const unchanged =
      options.compare === 'checksum'
        ? same.has(entry.rel)
        : options.compare === 'quick' &&
          here?.isFile() === true &&
          here.size === entry.size &&
          Math.floor(here.mtimeMs / 1000) === entry.mtimeSec;
    if (unchanged) {
      counts.filesSkipped++;
      counts.bytesSkipped += entry.size;
      return;
    }
    await fetchFile(
      session,
      entry,
      target,
      join(localDir, tempNameFor(entry.rel, options.runId)),
      options.onBytes,
    );
    counts.filesCopied++;
    counts.bytesCopied += entry.size;
  });
}

/**
 * The files (by rel) whose local copy has the same size and sha256 as the remote one: the
 * remote sums in one command, for the same-size files only. `rel`s are relative to `base`,
 * the remote folder that holds REMOTE.
 */
async function sameContent(
  host: HostSession,
  base: string,
  localDir: string,
  entries: readonly TreeEntry[],
): Promise<Set<string>> {
  const candidates: Extract<TreeEntry, { kind: 'file' }>[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'file') continue;
    const here = await lstat(join(localDir, entry.rel)).catch(() => undefined);
    if (here?.isFile() && here.size === entry.size) candidates.push(entry);
  }
  const same = new Set<string>();
  if (candidates.length === 0) return same;
  const remote = await remoteSha256(host, base, candidates);
  for (const file of candidates) {
    const local = await localSha256(join(localDir, file.rel)).catch(() => undefined);
    if (local !== undefined && remote.get(file.rel) === local) same.add(file.rel);
  }
  return same;
}

async function walkRemote(
  session: RemoteFiles,
  path: string,
  rel: string,
  into: TreeEntry[],
): Promise<void> {
  const list = (await session.readdir(path)) ?? [];
  list.sort((a, b) => (a.filename < b.filename ? -1 : 1));
  const dirs: Array<{ path: string; rel: string }> = [];
  for (const item of list) {
    const childPath = joinPath(path, item.filename);
    const childRel = `${rel}/${item.filename}`;
    switch (kindOfMode(item.attrs.mode)) {
      case 'dir':
        into.push({ kind: 'dir', rel: childRel, mode: item.attrs.mode & 0o7777 });
        dirs.push({ path: childPath, rel: childRel });
        break;
      case 'file':
        into.push(remoteFile(childRel, childPath, item.attrs));
        break;
      case 'symlink':
        into.push({
          kind: 'symlink',
          rel: childRel,
          target: await session.readlink(childPath),
          mtimeSec: item.attrs.mtime,
        });
        break;
      default:
        break; // Sockets, fifos, devices: nothing to copy.
    }
  }
  for (const dir of dirs) await walkRemote(session, dir.path, dir.rel, into);
}

function remoteFile(
  rel: string,
  source: string,
  attrs: { mode: number; size: number; mtime: number },
): TreeEntry {
  return {
    kind: 'file',
    rel,
    mode: attrs.mode & 0o7777,
    size: attrs.size,
    mtimeSec: attrs.mtime,
    source,
  };
}

function makeLocalDir(path: string, mode: number): Promise<void> {
  return makeLocalDirs(path, mode | 0o700);
}

/** Reads the remote file with reads in flight into a temporary local file, then renames it. */
async function fetchFile(
  session: RemoteFiles,
  entry: Extract<TreeEntry, { kind: 'file' }>,
  target: string,
  temp: string,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const local = await openLocal(temp, 'w', 0o600).catch((error: unknown) => {
    throw new TransferError(temp, localReason(error));
  });
  let ok = false;
  try {
    const handle = await session.openForRead(entry.source);
    try {
      let next = 0;
      const worker = async () => {
        while (next < entry.size) {
          const position = next;
          next += CHUNK_BYTES;
          const wanted = Math.min(CHUNK_BYTES, entry.size - position);
          // A server may answer a read with fewer bytes than asked: ask again for the rest.
          for (let got = 0; got < wanted;) {
            const data = await session.read(entry.source, handle, wanted - got, position + got);
            if (data.length === 0) return; // The file shrank meanwhile.
            await local.write(data, 0, data.length, position + got).catch((error: unknown) => {
              throw new TransferError(target, localReason(error));
            });
            got += data.length;
            onBytes(data.length);
          }
        }
      };
      await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
    } finally {
      await session.close(entry.source, handle).catch(() => undefined);
    }
    await local.close();
    await chmod(temp, entry.mode);
    await utimes(temp, entry.mtimeSec, entry.mtimeSec);
    await rename(temp, target).catch((error: unknown) => {
      throw new TransferError(target, localReason(error));
    });
    ok = true;
  } finally {
    if (!ok) {
      await local.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
    }
  }
}

async function placeLink(linkTarget: string, path: string, temp: string): Promise<void> {
  try {
    await symlink(linkTarget, temp);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new TransferError(path, localReason(error));
  }
}
