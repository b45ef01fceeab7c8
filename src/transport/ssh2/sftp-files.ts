import type { Client, FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import { abortReason, TransferAborted, TransferError } from '../file-errors.js';
import type {
  RemoteAttributes,
  RemoteDirEntry,
  RemoteFiles,
  RemoteStats,
} from '../remote-files.js';

/**
 * ssh2's SFTP client as RemoteFiles: promises that cannot hang, each one also rejecting when
 * `signal` aborts. ssh2 may never call back on a connection that died without a clean close,
 * so the caller's deadline aborts `signal` and destroys the connection, and everything pending
 * here settles. Failures become TransferErrors that name the remote path.
 */
export class SftpFiles implements RemoteFiles {
  constructor(
    private readonly sftp: SFTPWrapper,
    signal: AbortSignal,
    private readonly requests = new AbortableRequests(signal),
  ) {}

  /** Opens the SFTP subsystem on a connected client, within the same abort. */
  static open(client: Client, signal: AbortSignal): Promise<SftpFiles> {
    const requests = new AbortableRequests(signal);
    return requests
      .run<SFTPWrapper>((done) => client.sftp(done))
      .then(
        (sftp) => new SftpFiles(sftp, signal, requests),
        (error: unknown) => {
          if (error instanceof TransferAborted) throw error;
          throw new TransferError('(sftp)', `could not start SFTP: ${sftpReason(error)}`);
        },
      );
  }

  /** Closes the SFTP channel (the connection stays). */
  end(): void {
    this.sftp.end();
  }

  /** Opens `path` for writing; a failure names `reportAs` (a temporary file's final name). */
  openForWrite(path: string, mode: number, reportAs = path): Promise<Buffer> {
    return this.call(reportAs, (done) => this.sftp.open(path, 'w', { mode }, done));
  }

  openForRead(path: string): Promise<Buffer> {
    return this.call(path, (done) => this.sftp.open(path, 'r', done));
  }

  write(path: string, handle: Buffer, data: Buffer, position: number): Promise<void> {
    return this.call(path, (done) =>
      this.sftp.write(handle, data, 0, data.length, position, (error) => done(error, undefined)),
    );
  }

  /** Reads up to `length` bytes at `position`; fewer (or none) at the end of the file. */
  read(path: string, handle: Buffer, length: number, position: number): Promise<Buffer> {
    return this.call(path, (done) =>
      this.sftp.read(handle, Buffer.alloc(length), 0, length, position, (error, bytes, buffer) => {
        // ssh2 reports the end of the file as an EOF status error; on its other errors (a
        // channel that closed with reads pending) it passes no buffer at all.
        if (error && (error as { code?: unknown }).code === SFTP_EOF)
          done(undefined, Buffer.alloc(0));
        else if (error) done(error, Buffer.alloc(0));
        else done(undefined, buffer.subarray(0, bytes));
      }),
    );
  }

  setAttributes(path: string, handle: Buffer, attributes: RemoteAttributes): Promise<void> {
    return this.call(path, (done) =>
      this.sftp.fsetstat(handle, attributes, (error) => done(error, undefined)),
    );
  }

  /** stat: follows links; undefined when nothing is there. */
  async stat(path: string): Promise<RemoteStats | undefined> {
    try {
      return await this.requests.run<Stats>((done) => this.sftp.stat(path, done));
    } catch (error) {
      if (isNoSuchFile(error)) return undefined;
      throw asTransferError(path, error);
    }
  }

  setPathAttributes(path: string, attributes: RemoteAttributes): Promise<void> {
    return this.call(path, (done) =>
      this.sftp.setstat(path, attributes, (error) => done(error, undefined)),
    );
  }

  close(path: string, handle: Buffer): Promise<void> {
    return this.call(path, (done) => this.sftp.close(handle, (error) => done(error, undefined)));
  }

  /** posix-rename@openssh.com: replaces `to` atomically, as rename(2) does. */
  rename(from: string, to: string): Promise<void> {
    return this.call(to, (done) =>
      this.sftp.ext_openssh_rename(from, to, (error) => done(error, undefined)),
    );
  }

  mkdir(path: string, mode: number): Promise<void> {
    return this.call(path, (done) => this.sftp.mkdir(path, { mode }, (e) => done(e, undefined)));
  }

  symlink(target: string, path: string): Promise<void> {
    return this.call(path, (done) =>
      this.sftp.symlink(target, path, (error) => done(error, undefined)),
    );
  }

  readlink(path: string): Promise<string> {
    return this.call(path, (done) => this.sftp.readlink(path, done));
  }

  unlink(path: string): Promise<void> {
    return this.call(path, (done) => this.sftp.unlink(path, (error) => done(error, undefined)));
  }

  realpath(path: string): Promise<string> {
    return this.call(path, (done) => this.sftp.realpath(path, done));
  }

  /** lstat, or undefined when nothing is there. */
  async lstat(path: string): Promise<RemoteStats | undefined> {
    try {
      return await this.requests.run<Stats>((done) => this.sftp.lstat(path, done));
    } catch (error) {
      if (isNoSuchFile(error)) return undefined;
      throw asTransferError(path, error);
    }
  }

  /**
   * The entries of a folder with their lstat attributes (without `.` and `..`), or undefined
   * when it does not exist. Two reads are in flight at a time, and the folder's handle is
   * closed without waiting for the reply: OpenSSH answers a read with up to 100 entries, so a
   * folder of fewer takes two round trips (open, then both reads) where ssh2's readdir of a
   * path takes four (open, read, read to its end, close), for every folder a put lists.
   */
  async readdir(path: string): Promise<RemoteDirEntry[] | undefined> {
    let handle: Buffer;
    try {
      handle = await this.requests.run<Buffer>((done) => this.sftp.opendir(path, done));
    } catch (error) {
      if (isNoSuchFile(error)) return undefined;
      throw asTransferError(path, error);
    }
    const entries: FileEntryWithStats[] = [];
    try {
      for (let atEnd = false; !atEnd;) {
        // A server may answer the two in either order; either one at the end means the end.
        const reads = await Promise.all([this.readdirPart(handle), this.readdirPart(handle)]);
        for (const part of reads) {
          if (part === undefined) atEnd = true;
          else entries.push(...part);
        }
      }
    } catch (error) {
      throw asTransferError(path, error);
    } finally {
      this.closeUnwaited(handle);
    }
    return entries;
  }

  /** One READDIR on an open folder: its next entries, or undefined at its end. */
  private async readdirPart(handle: Buffer): Promise<FileEntryWithStats[] | undefined> {
    try {
      return await this.requests.run<FileEntryWithStats[]>((done) =>
        this.sftp.readdir(handle, done),
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === SFTP_EOF) return undefined;
      throw error;
    }
  }

  /**
   * Closes a folder's handle and goes on: the server answers later requests after this one, and
   * a failure to close a folder read to its end changes nothing for the transfer.
   */
  private closeUnwaited(handle: Buffer): void {
    if (this.requests.aborted) return;
    try {
      this.sftp.close(handle, () => undefined);
    } catch {
      // The channel is closed already, and the handle with it.
    }
  }

  /** Free bytes for an unprivileged user where `path` lives (statvfs@openssh.com), if known. */
  async freeBytes(path: string): Promise<number | undefined> {
    try {
      const info = await this.requests.run<{
        f_bavail: number | bigint;
        f_frsize: number | bigint;
      }>((done) => this.sftp.ext_openssh_statvfs(path, done));
      return Number(info.f_bavail) * Number(info.f_frsize);
    } catch {
      return undefined;
    }
  }

  private async call<T>(
    path: string,
    start: (done: (error: Error | undefined | null, value: T) => void) => void,
  ): Promise<T> {
    try {
      return await this.requests.run(start);
    } catch (error) {
      throw asTransferError(path, error);
    }
  }
}

/** SFTP's status code for the end of a file or of a folder's entries. */
const SFTP_EOF = 1;

function asTransferError(path: string, error: unknown): Error {
  if (error instanceof TransferAborted || error instanceof TransferError) return error;
  return new TransferError(path, sftpReason(error));
}

/**
 * Callback calls as promises that also settle, with the abort's reason, when `signal` aborts.
 * One listener serves every call, not one a call: a 10 MB file is 40 write requests, and
 * Node's EventTarget costs several microseconds to add and remove each listener.
 */
class AbortableRequests {
  /** What settles each call still waiting for its callback. */
  private readonly pending = new Set<(reason: TransferAborted) => void>();

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener(
      'abort',
      () => {
        const reason = abortReason(signal);
        for (const settle of [...this.pending]) settle(reason);
        this.pending.clear();
      },
      { once: true },
    );
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  run<T>(start: (done: (error: Error | undefined | null, value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.signal.aborted) return reject(abortReason(this.signal));
      this.pending.add(reject);
      try {
        start((error, value) => {
          this.pending.delete(reject);
          if (error) reject(error);
          else resolve(value);
        });
      } catch (error) {
        // ssh2 throws synchronously when the channel is already closed.
        this.pending.delete(reject);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02), as ssh2 puts them on `error.code`. */
const SFTP_REASONS: Record<number, string> = {
  2: 'no such file or directory',
  3: 'permission denied',
  4: 'failure',
  5: 'bad message',
  6: 'no connection',
  7: 'connection lost',
  8: 'operation not supported',
};

/** The words for an ssh2 SFTP error: OpenSSH's sftp-server maps errno onto these few codes. */
export function sftpReason(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number' && SFTP_REASONS[code]) return SFTP_REASONS[code];
  return error instanceof Error ? error.message : String(error);
}

/** Whether an SFTP error says the path does not exist (which is not a failure for a lookup). */
function isNoSuchFile(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 2;
}
