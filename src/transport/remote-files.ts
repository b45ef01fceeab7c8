/** What a host says about a path: the fields of an SFTP attribute block that lwt uses. */
export interface RemoteStats {
  /** Type and permission bits, as stat(2)'s st_mode. */
  readonly mode: number;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/** One entry of a folder listing, with its lstat attributes. */
export interface RemoteDirEntry {
  readonly filename: string;
  readonly attrs: RemoteStats;
}

/** Attributes to set on a path or an open file; what is left out stays as it is. */
export interface RemoteAttributes {
  readonly mode?: number;
  /** Seconds since the epoch; SFTP sets access and modification time together. */
  readonly atime?: number;
  readonly mtime?: number;
}

/** An open remote file, as the session that opened it knows it. */
export type RemoteHandle = Buffer;

/**
 * A file session on one host (SFTP over ssh2; a map in memory in the fake transport). Every
 * request settles: each also rejects with a TransferAborted when the session's signal aborts
 * (a deadline, a stop, a lost connection), since a dead connection may never answer. A
 * failure is a TransferError that names the path (`reportAs` where given: a temporary file's
 * final name) and the reason in a user's words.
 */
export interface RemoteFiles {
  /** Closes the session; the connection stays. */
  end(): void;
  /** stat (follows links), or undefined when nothing is there. */
  stat(path: string): Promise<RemoteStats | undefined>;
  /** lstat, or undefined when nothing is there. */
  lstat(path: string): Promise<RemoteStats | undefined>;
  /** A folder's entries without `.` and `..`, or undefined when it does not exist. */
  readdir(path: string): Promise<RemoteDirEntry[] | undefined>;
  readlink(path: string): Promise<string>;
  /** The absolute form of `path` ('.' is the login's home folder). */
  realpath(path: string): Promise<string>;
  /** Makes one folder; its parent must exist. */
  mkdir(path: string, mode: number): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  /** Replaces `to` atomically when it exists, as rename(2) does. */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  setPathAttributes(path: string, attributes: RemoteAttributes): Promise<void>;
  /** Opens `path` for writing (created or truncated). */
  openForWrite(path: string, mode: number, reportAs?: string): Promise<RemoteHandle>;
  openForRead(path: string): Promise<RemoteHandle>;
  /**
   * Writes `data` at `position`. The caller leaves `data` alone until this settles: the
   * session may send it without a copy.
   */
  write(path: string, handle: RemoteHandle, data: Buffer, position: number): Promise<void>;
  /** Up to `length` bytes at `position`; fewer (or none) at the end of the file. */
  read(path: string, handle: RemoteHandle, length: number, position: number): Promise<Buffer>;
  setAttributes(path: string, handle: RemoteHandle, attributes: RemoteAttributes): Promise<void>;
  close(path: string, handle: RemoteHandle): Promise<void>;
  /** Free bytes for an unprivileged user where `path` lives, when the host says. */
  freeBytes(path: string): Promise<number | undefined>;
}
