import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostEntry } from '../hosts/index.js';
import { getFromHost } from '../files/get-host.js';
import { makeLocalDirs } from '../files/local-dirs.js';
import type { TransferResult } from './transfer-events.js';
import { UsageError } from '../usage-error.js';
import { transfer, type TransferOptions } from './put.js';

/**
 * `lwt get`: `remote` (a file or a folder) from every host into `localDir/<host>/`, under its
 * own name. Throws UsageError before connecting when `localDir` is a file or `remote` empty.
 */
export async function get(
  hosts: readonly HostEntry[],
  remote: string,
  localDir: string,
  options: TransferOptions = {},
): Promise<TransferResult> {
  if (remote.trim() === '') {
    throw new UsageError('REMOTE is empty: give the remote file or folder to bring back');
  }
  if (localDir.trim() === '') throw new UsageError('LOCALDIR is empty: give a local folder');
  if (existsSync(localDir) && !statSync(localDir).isDirectory()) {
    throw new UsageError(
      `${localDir}: is a file: LOCALDIR must be a folder (each host's files go into LOCALDIR/<host>/)`,
    );
  }
  try {
    await makeLocalDirs(localDir);
  } catch (error) {
    throw new UsageError(`LOCALDIR ${(error as Error).message}`);
  }
  return transfer(
    hosts,
    (host) => ({
      run: (session, run) =>
        getFromHost(session, remote, join(localDir, host.name), {
          ...run,
          compare: options.compare ?? 'quick',
        }),
    }),
    options,
  );
}
