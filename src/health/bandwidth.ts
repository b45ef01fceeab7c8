import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendBufferViaSftp } from '../files/sftp-send.js';
import type { RemoteFiles } from '../transport/remote-files.js';

/** The local file every host's put test sends; one per check run, removed by `remove()`. */
export interface TestFile {
  readonly path: string;
  readonly size: number;
  remove(): Promise<void>;
}

/** Writes `size` random bytes (incompressible, so a compressing link cannot flatter the rate). */
export async function createTestFile(size: number): Promise<TestFile> {
  const dir = await mkdtemp(join(tmpdir(), 'lwt-bandwidth-'));
  const path = join(dir, 'test-file');
  await writeFile(path, randomBytes(size));
  return { path, size, remove: () => rm(dir, { recursive: true, force: true }) };
}

export type BandwidthResult =
  | { readonly ok: true; readonly putBytesPerSecond: number; readonly getBytesPerSecond: number }
  | { readonly ok: false; readonly message: string };

/** Reads of this size, this many in flight: as lwt get reads (files/get-host.ts). */
const READ_BYTES = 255 * 1024;
const READS_IN_FLIGHT = 8;

/**
 * Puts the test file to `remoteDir` over the file session, gets it back, and removes it; each
 * rate is bytes over the wall time of its transfer. What is read back is only counted: the
 * local disk is not what is measured. Never rejects; the caller bounds it by aborting the
 * session's signal, which settles every request, and then drops the connection.
 */
export async function measureBandwidth(
  files: RemoteFiles,
  file: TestFile,
  remoteDir: string,
): Promise<BandwidthResult> {
  const base = remoteDir.replace(/\/+$/, '') || '.';
  const remote = `${base}/.lwt-bandwidth-${process.pid}-${randomBytes(4).toString('hex')}`;
  let placed = false;
  try {
    const data = await readFile(file.path);
    const putMs = await timed(() => sendBufferViaSftp(files, base, remote, data));
    placed = true;
    const size = (await files.stat(remote))?.size ?? -1;
    if (size !== file.size) {
      return { ok: false, message: `put ${file.size} bytes but the host has ${size}` };
    }
    const getMs = await timed(() => readWhole(files, remote, size));
    return {
      ok: true,
      putBytesPerSecond: rate(file.size, putMs),
      getBytesPerSecond: rate(file.size, getMs),
    };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    if (placed) await files.unlink(remote).catch(() => undefined);
    files.end();
  }
}

/** Reads `size` bytes of `path`, READS_IN_FLIGHT at a time, and drops them. */
async function readWhole(files: RemoteFiles, path: string, size: number): Promise<void> {
  const handle = await files.openForRead(path);
  try {
    let next = 0;
    const worker = async () => {
      while (next < size) {
        const position = next;
        next += READ_BYTES;
        const data = await files.read(
          path,
          handle,
          Math.min(READ_BYTES, size - position),
          position,
        );
        if (data.length === 0) return;
      }
    };
    await Promise.all(Array.from({ length: READS_IN_FLIGHT }, worker));
  } finally {
    await files.close(path, handle).catch(() => undefined);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

function rate(bytes: number, ms: number): number {
  return Math.round(bytes / (Math.max(ms, 0.001) / 1000));
}
