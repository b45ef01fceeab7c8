import { TransferError } from '../transport/file-errors.js';
import type { RemoteFiles, RemoteStats } from '../transport/remote-files.js';
import { joinPath, parentOf } from './tree-entry.js';

/**
 * REMOTE as an absolute path: a relative one (or `~/...`) is under the host's home, the hosts
 * file's `home=` when it has one, else the login's home folder.
 */
export async function resolveRemotePath(
  session: RemoteFiles,
  home: string | undefined,
  remote: string,
): Promise<string> {
  const path = remote === '~' ? '' : remote.replace(/^~\//, '');
  if (path.startsWith('/')) return normalize(path);
  let root = home ?? '';
  if (!root.startsWith('/')) root = joinPath(await session.realpath('.'), root);
  return normalize(joinPath(root, path));
}

/** Drops `.` parts, duplicate and trailing slashes ("/opt//app/./x/" -> "/opt/app/x"). */
function normalize(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return `/${parts.join('/')}`;
}

/**
 * mkdir -p over SFTP: creates `path` and its missing parents, 0755 before the umask. `stat` is
 * what is at `path`, when the caller asked already.
 */
export async function makeRemoteDirs(
  session: RemoteFiles,
  path: string,
  stat: Promise<RemoteStats | undefined> = session.stat(path),
): Promise<void> {
  const there = await stat;
  if (there?.isDirectory()) return;
  if (there) throw new TransferError(path, 'not a directory (a file is in the way)');
  const parent = parentOf(path);
  if (parent !== '' && parent !== path) await makeRemoteDirs(session, parent);
  await makeRemoteDir(session, path, 0o755);
}

/** mkdir that accepts a folder someone else made meanwhile (hosts sharing a file system). */
export async function makeRemoteDir(
  session: RemoteFiles,
  path: string,
  mode: number,
): Promise<void> {
  try {
    await session.mkdir(path, mode);
  } catch (error) {
    if (!(await session.stat(path))?.isDirectory()) throw error;
  }
}
