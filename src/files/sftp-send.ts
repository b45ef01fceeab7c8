import { open as openLocal, type FileHandle } from 'node:fs/promises';
import { TransferAborted, TransferError } from '../transport/file-errors.js';
import type { RemoteAttributes, RemoteFiles } from '../transport/remote-files.js';
import { localReason } from './local-error.js';
import type { SharedPayload } from './shared-payload.js';
import { joinPath, tempNameFor, type TreeEntry } from './tree-entry.js';

/**
 * 254 KiB a write, 2 in flight a file (508 KiB). 254 KiB is the largest write ssh2 sends as one
 * request to any OpenSSH: 255 KiB with the limits@openssh.com extension, and without it ssh2
 * assumes 256 KiB less 2 KiB (it would chain a second, tiny request and wait for the first).
 * Measured against OpenSSH 9.2 on loopback: with 255 KiB writes 8 in flight (2 MB) sshd spent
 * 85-100 ms of CPU a host taking a 10 MB file, with up to 512 KiB in flight 40-55, whether in
 * 64 or 128 KiB writes; more in flight cost it more again (64 KiB x 32: 110-140). For the
 * client, fewer and larger writes are cheaper (half the replies to read): 255 KiB x 2, with
 * a V8 heap setting that ssh2's buffer pool has since made needless, took 3.5 ms a host less
 * than 128 KiB x 4 for a 10 MB put (NOTES.md, 2026-11-23, fifth and sixth sessions).
 */
export const CHUNK_BYTES = 254 * 1024;
const CHUNKS_IN_FLIGHT = 2;

/**
 * One file to `base/rel` over SFTP: written under a temporary name in the same folder, given
 * its mode and mtime, then renamed into place (posix-rename), so a reader never sees half of
 * it. A failed write removes the temporary file when the connection still allows it.
 */
export async function sendFileViaSftp(
  session: RemoteFiles,
  base: string,
  entry: Extract<TreeEntry, { kind: 'file' }>,
  runId: string,
  onBytes: (bytes: number) => void,
  payload?: SharedPayload,
): Promise<void> {
  const finalPath = joinPath(base, entry.rel);
  const tempPath = joinPath(base, tempNameFor(entry.rel, runId));
  const source = await openSource(entry, payload);
  try {
    await writeWhole(session, base, tempPath, entry.mode, entry.size, source, onBytes, {
      // Mode again: open's mode went through the remote umask. atime too, as SFTP sets both.
      attributes: { mode: entry.mode, atime: entry.mtimeSec, mtime: entry.mtimeSec },
      reportAs: finalPath,
    });
    await session.rename(tempPath, finalPath);
  } catch (error) {
    if (!(error instanceof TransferAborted)) await session.unlink(tempPath).catch(() => undefined);
    throw error;
  } finally {
    await source.close();
  }
}

/**
 * `data` to `path` over SFTP, mode 0600, not renamed: for what lwt writes for itself (a tar
 * batch to unpack). A failure names `base`, the folder the user asked for, not lwt's own file
 * name; the file is removed when the connection still allows it.
 */
export async function sendBufferViaSftp(
  session: RemoteFiles,
  base: string,
  path: string,
  data: Buffer,
): Promise<void> {
  const source: ChunkSource = {
    read: (position, length) => Promise.resolve(data.subarray(position, position + length)),
    close: () => Promise.resolve(),
  };
  try {
    await writeWhole(session, base, path, 0o600, data.length, source, () => undefined, {
      reportAs: base,
    });
  } catch (error) {
    if (!(error instanceof TransferAborted)) await session.unlink(path).catch(() => undefined);
    throw error;
  }
}

/**
 * Opens `path`, writes `size` bytes from `source` with CHUNKS_IN_FLIGHT writes in flight, sets
 * `attributes` and closes. A write failure names `reportAs`, and a bare "failure" from the
 * server becomes "no space left on device" when that is why.
 */
async function writeWhole(
  session: RemoteFiles,
  base: string,
  path: string,
  mode: number,
  size: number,
  source: ChunkSource,
  onBytes: (bytes: number) => void,
  options: { attributes?: RemoteAttributes; reportAs: string },
): Promise<void> {
  let handle: Buffer | undefined;
  try {
    handle = await session.openForWrite(path, mode, options.reportAs);
    const remote = handle;
    let next = 0;
    const worker = async () => {
      while (next < size) {
        const position = next;
        next += CHUNK_BYTES;
        const chunk = await source.read(position, Math.min(CHUNK_BYTES, size - position));
        if (chunk.length === 0) break; // The file shrank while we sent it: send what there is.
        await session.write(options.reportAs, remote, chunk, position);
        onBytes(chunk.length);
      }
    };
    await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
    // Attributes and close in flight together, a round trip less a file: OpenSSH's sftp-server
    // takes a session's requests one at a time in order, and one that closed first would fail
    // the attributes on a closed handle, which reports the file instead of leaving it wrong.
    // The handle is closed whether or not the attributes could be set.
    handle = undefined;
    await Promise.all([
      options.attributes && session.setAttributes(options.reportAs, remote, options.attributes),
      session.close(options.reportAs, remote),
    ]);
  } catch (error) {
    if (error instanceof TransferAborted) throw error;
    // Asked before the caller removes the file: removing it frees the space that ran out.
    const failure =
      error instanceof TransferError && error.reason === 'failure'
        ? new TransferError(error.path, await explainFailure(session, base))
        : error;
    if (handle) await session.close(path, handle).catch(() => undefined);
    throw failure;
  }
}

/**
 * Where a file's chunks come from: the put's shared copy in memory, or the file itself. A chunk
 * is never written to again: ssh2 (as patched, patches/) puts a write's bytes into packets
 * straight from it, and may hold part of it until the window allows, up to the write's reply.
 */
interface ChunkSource {
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

async function openSource(
  entry: Extract<TreeEntry, { kind: 'file' }>,
  payload: SharedPayload | undefined,
): Promise<ChunkSource> {
  const whole = await payload?.wholeFile(entry);
  if (whole) {
    return {
      read: (position, length) => Promise.resolve(whole.subarray(position, position + length)),
      close: () => Promise.resolve(),
    };
  }
  let local: FileHandle;
  try {
    local = await openLocal(entry.source, 'r');
  } catch (error) {
    throw new TransferError(entry.source, localReason(error));
  }
  return {
    read: async (position, length) => {
      const chunk = Buffer.allocUnsafe(length);
      const { bytesRead } = await local.read(chunk, 0, length, position).catch((error) => {
        throw new TransferError(entry.source, localReason(error));
      });
      return chunk.subarray(0, bytesRead);
    },
    close: () => local.close(),
  };
}

/** A link at `base/rel`, made under a temporary name and renamed over whatever is there. */
export async function sendLinkViaSftp(
  session: RemoteFiles,
  base: string,
  entry: Extract<TreeEntry, { kind: 'symlink' }>,
  runId: string,
): Promise<void> {
  const tempPath = joinPath(base, tempNameFor(entry.rel, runId));
  await session.symlink(entry.target, tempPath);
  await session.rename(tempPath, joinPath(base, entry.rel));
}

/**
 * OpenSSH's sftp-server reports ENOSPC, EDQUOT and EROFS alike as "failure"; statvfs tells a
 * full disk apart, which is the common case.
 */
async function explainFailure(session: RemoteFiles, base: string): Promise<string> {
  const free = await session.freeBytes(base);
  return free !== undefined && free < CHUNK_BYTES
    ? 'no space left on device'
    : 'failure (the SFTP server gave no reason)';
}
