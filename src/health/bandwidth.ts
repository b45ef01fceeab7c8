import { randomBytes } from 'node:crypto';
import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';

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

/**
 * Puts the test file to `remoteDir` over SFTP on the open connection, gets it back, and
 * removes it; each rate is bytes over the wall time of its transfer. The get goes to
 * /dev/null: the local disk is not what is measured. Never rejects; the caller bounds it (a
 * transfer on a connection that died may never call back) and then drops the connection.
 */
export async function measureBandwidth(
  client: Client,
  file: TestFile,
  remoteDir: string,
): Promise<BandwidthResult> {
  const remote = `${remoteDir.replace(/\/+$/, '') || '.'}/.lwt-bandwidth-${process.pid}-${randomBytes(4).toString('hex')}`;
  let sftp: SFTPWrapper | undefined;
  let placed = false;
  try {
    sftp = await openSftp(client);
    const putMs = await timed(() => call((cb) => sftp!.fastPut(file.path, remote, cb)));
    placed = true;
    const size = await call<number>((cb) =>
      sftp!.stat(remote, (error, stats) => cb(error, stats?.size ?? -1)),
    );
    if (size !== file.size) {
      return { ok: false, message: `put ${file.size} bytes but the host has ${size}` };
    }
    const getMs = await timed(() => call((cb) => sftp!.fastGet(remote, devNull, cb)));
    return {
      ok: true,
      putBytesPerSecond: rate(file.size, putMs),
      getBytesPerSecond: rate(file.size, getMs),
    };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    if (sftp) {
      const open = sftp;
      if (placed) await call((cb) => open.unlink(remote, cb)).catch(() => undefined);
      open.end();
    }
  }
}

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) =>
    client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))),
  );
}

/** An ssh2 callback API as a promise. */
function call<T = void>(start: (cb: (error: Error | null | undefined, value?: T) => void) => void) {
  return new Promise<T>((resolve, reject) =>
    start((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

function rate(bytes: number, ms: number): number {
  return Math.round(bytes / (Math.max(ms, 0.001) / 1000));
}
