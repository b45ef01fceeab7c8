import { posix } from 'node:path';
import { abortReason, TransferError } from '../transport/file-errors.js';
import type {
  RemoteAttributes,
  RemoteDirEntry,
  RemoteFiles,
  RemoteHandle,
  RemoteStats,
} from '../transport/remote-files.js';

type Node =
  | { kind: 'dir'; mode: number; mtime: number }
  | { kind: 'file'; mode: number; mtime: number; data: Buffer }
  | { kind: 'symlink'; mode: number; mtime: number; target: string };

const TYPE_BITS = { dir: 0o040000, file: 0o100000, symlink: 0o120000 } as const;

/**
 * A fake host's file system, in memory: what lwt's put and get see through FakeTransport, and
 * what a test seeds and checks. Paths are absolute; `/` and the home folder exist from the start.
 */
export class FakeFileSystem {
  readonly #nodes = new Map<string, Node>();

  constructor(readonly home: string) {
    this.#nodes.set('/', { kind: 'dir', mode: 0o755, mtime: now() });
    this.mkdirs(home);
  }

  /** Makes `path` and its missing parents (mkdir -p). */
  mkdirs(path: string, mode = 0o755): void {
    const full = this.resolve(path);
    if (full !== '/') this.mkdirs(posix.dirname(full), mode);
    if (!this.#nodes.has(full)) this.#nodes.set(full, { kind: 'dir', mode, mtime: now() });
  }

  /** Writes a file (its folder is made when missing); a relative path is under the home. */
  writeFile(path: string, content: string | Buffer, mode = 0o644, mtime = now()): void {
    const full = this.resolve(path);
    this.mkdirs(posix.dirname(full));
    this.#nodes.set(full, { kind: 'file', mode, mtime, data: Buffer.from(content) });
  }

  /** A file's content, or undefined when there is no file there. */
  readFile(path: string): Buffer | undefined {
    const node = this.#nodes.get(this.resolve(path));
    return node?.kind === 'file' ? node.data : undefined;
  }

  /** Every path there is, sorted. */
  paths(): string[] {
    return [...this.#nodes.keys()].sort();
  }

  /** `path` made absolute against the home folder, without `.`, `..` or double slashes. */
  resolve(path: string): string {
    return posix.resolve(this.home, path);
  }

  node(path: string): Node | undefined {
    return this.#nodes.get(this.resolve(path));
  }

  /** What `stat` follows links to (a few levels, as a kernel does). */
  follow(path: string): Node | undefined {
    let full = this.resolve(path);
    for (let hops = 0; hops < 8; hops++) {
      const node = this.#nodes.get(full);
      if (node?.kind !== 'symlink') return node;
      full = posix.resolve(posix.dirname(full), node.target);
    }
    return undefined;
  }

  set(path: string, node: Node): void {
    const full = this.resolve(path);
    const parent = this.#nodes.get(posix.dirname(full));
    if (parent?.kind !== 'dir') throw new TransferError(full, 'no such file or directory');
    this.#nodes.set(full, node);
  }

  delete(path: string): void {
    this.#nodes.delete(this.resolve(path));
  }

  /** The names directly inside a folder. */
  children(path: string): string[] {
    const full = this.resolve(path);
    const prefix = full === '/' ? '/' : `${full}/`;
    return [...this.#nodes.keys()]
      .filter((p) => p !== full && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map((p) => p.slice(prefix.length));
  }
}

/** The RemoteFiles of a fake host: SFTP's answers, from a FakeFileSystem. */
export class FakeFiles implements RemoteFiles {
  readonly #open = new Map<string, { path: string; node: Extract<Node, { kind: 'file' }> }>();
  #nextHandle = 0;

  constructor(
    private readonly fs: FakeFileSystem,
    private readonly signal: AbortSignal,
  ) {}

  end(): void {
    this.#open.clear();
  }

  async stat(path: string): Promise<RemoteStats | undefined> {
    this.#check();
    const node = this.fs.follow(path);
    return node && statsOf(node);
  }

  async lstat(path: string): Promise<RemoteStats | undefined> {
    this.#check();
    const node = this.fs.node(path);
    return node && statsOf(node);
  }

  async readdir(path: string): Promise<RemoteDirEntry[] | undefined> {
    this.#check();
    const node = this.fs.follow(path);
    if (!node) return undefined;
    if (node.kind !== 'dir') throw new TransferError(path, 'failure');
    return this.fs.children(path).map((filename) => ({
      filename,
      attrs: statsOf(this.fs.node(posix.join(this.fs.resolve(path), filename)) as Node),
    }));
  }

  async readlink(path: string): Promise<string> {
    this.#check();
    const node = this.fs.node(path);
    if (node?.kind !== 'symlink') throw new TransferError(path, 'no such file or directory');
    return node.target;
  }

  async realpath(path: string): Promise<string> {
    this.#check();
    return this.fs.resolve(path);
  }

  async mkdir(path: string, mode: number): Promise<void> {
    this.#check();
    if (this.fs.node(path)) throw new TransferError(path, 'failure');
    this.fs.set(path, { kind: 'dir', mode: mode & 0o7777, mtime: now() });
  }

  async symlink(target: string, path: string): Promise<void> {
    this.#check();
    if (this.fs.node(path)) throw new TransferError(path, 'failure');
    this.fs.set(path, { kind: 'symlink', mode: 0o777, mtime: now(), target });
  }

  async rename(from: string, to: string): Promise<void> {
    this.#check();
    const node = this.fs.node(from);
    if (!node) throw new TransferError(to, 'no such file or directory');
    this.fs.set(to, node);
    this.fs.delete(from);
  }

  async unlink(path: string): Promise<void> {
    this.#check();
    const node = this.fs.node(path);
    if (!node) throw new TransferError(path, 'no such file or directory');
    if (node.kind === 'dir') throw new TransferError(path, 'failure');
    this.fs.delete(path);
  }

  async setPathAttributes(path: string, attributes: RemoteAttributes): Promise<void> {
    this.#check();
    const node = this.fs.follow(path);
    if (!node) throw new TransferError(path, 'no such file or directory');
    apply(node, attributes);
  }

  async openForWrite(path: string, mode: number, reportAs = path): Promise<RemoteHandle> {
    this.#check();
    const node = {
      kind: 'file' as const,
      mode: mode & 0o7777,
      mtime: now(),
      data: Buffer.alloc(0),
    };
    try {
      this.fs.set(path, node);
    } catch {
      throw new TransferError(reportAs, 'no such file or directory');
    }
    return this.#handle(path, node);
  }

  async openForRead(path: string): Promise<RemoteHandle> {
    this.#check();
    const node = this.fs.follow(path);
    if (node?.kind !== 'file') throw new TransferError(path, 'no such file or directory');
    return this.#handle(path, node);
  }

  async write(path: string, handle: RemoteHandle, data: Buffer, position: number): Promise<void> {
    const file = this.#file(path, handle);
    const end = position + data.length;
    if (end > file.data.length) {
      const grown = Buffer.alloc(end);
      file.data.copy(grown);
      file.data = grown;
    }
    data.copy(file.data, position);
  }

  async read(
    path: string,
    handle: RemoteHandle,
    length: number,
    position: number,
  ): Promise<Buffer> {
    const file = this.#file(path, handle);
    return Buffer.from(file.data.subarray(position, position + length));
  }

  async setAttributes(path: string, handle: RemoteHandle, attributes: RemoteAttributes) {
    apply(this.#file(path, handle), attributes);
  }

  async close(path: string, handle: RemoteHandle): Promise<void> {
    this.#check();
    if (!this.#open.delete(handle.toString())) throw new TransferError(path, 'failure');
  }

  async freeBytes(): Promise<number | undefined> {
    this.#check();
    return undefined;
  }

  #handle(path: string, node: Extract<Node, { kind: 'file' }>): RemoteHandle {
    const handle = Buffer.from(String(this.#nextHandle++));
    this.#open.set(handle.toString(), { path, node });
    return handle;
  }

  #file(path: string, handle: RemoteHandle): Extract<Node, { kind: 'file' }> {
    this.#check();
    const open = this.#open.get(handle.toString());
    if (!open) throw new TransferError(path, 'failure');
    return open.node;
  }

  /** A stopped or timed-out transfer's requests reject, as the ssh2 session's do. */
  #check(): void {
    if (this.signal.aborted) throw abortReason(this.signal);
  }
}

function statsOf(node: Node): RemoteStats {
  const size =
    node.kind === 'file' ? node.data.length : node.kind === 'symlink' ? node.target.length : 4096;
  return {
    mode: TYPE_BITS[node.kind] | node.mode,
    size,
    mtime: node.mtime,
    isDirectory: () => node.kind === 'dir',
    isFile: () => node.kind === 'file',
    isSymbolicLink: () => node.kind === 'symlink',
  };
}

function apply(node: Node, attributes: RemoteAttributes): void {
  if (attributes.mode !== undefined) node.mode = attributes.mode & 0o7777;
  if (attributes.mtime !== undefined) node.mtime = attributes.mtime;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
