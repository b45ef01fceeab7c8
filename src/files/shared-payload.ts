import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { localReason } from './local-error.js';
import { packTar, type TarMember } from './tar-pack.js';
import { TransferError } from '../transport/file-errors.js';
import type { TreeEntry } from './tree-entry.js';

type FileEntry = Extract<TreeEntry, { kind: 'file' }>;
type Sendable = Extract<TreeEntry, { kind: 'file' | 'symlink' }>;

/** What a put may hold in memory for all its hosts at once (tar batches and whole files). */
const DEFAULT_BUDGET_BYTES = 128 * 1024 * 1024;
/** A bigger file is read by each host in chunks, as it sends them. */
const WHOLE_FILE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The bytes of one put, read and packed once and shared by every host: hosts that send the
 * same batch of small files (a fresh destination, --force) get the same tar buffer, and a big
 * file is read once rather than once a host. Measured: re-reading and re-packing per host was
 * most of lwt's client CPU for a tree of small files. Least recently used first out beyond
 * the budget; what is evicted is read again by whoever needs it next.
 */
export class SharedPayload {
  readonly #cache = new Map<string, { readonly value: Promise<Buffer>; readonly bytes: number }>();
  #bytes = 0;

  constructor(private readonly budgetBytes = DEFAULT_BUDGET_BYTES) {}

  /** The tar archive of `batch` (files read now, synchronously: one syscall burst a batch). */
  tarBatch(batch: readonly Sendable[]): Promise<Buffer> {
    const key = `tar\0${batch.map(memberKey).join('\0\0')}`;
    return this.#remember(key, estimateTarBytes(batch), () => {
      try {
        return Promise.resolve(packTar(batch.map(toMember)));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /**
   * A file's content, its first `entry.size` bytes (what the scan saw; fewer if it shrank
   * since), or undefined when it is too big to hold: then read it in chunks.
   */
  wholeFile(entry: FileEntry): Promise<Buffer> | undefined {
    if (entry.size > WHOLE_FILE_MAX_BYTES || entry.size > this.budgetBytes / 2) return undefined;
    const key = `file\0${entry.source}\0${entry.size}\0${entry.mtimeSec}`;
    return this.#remember(key, entry.size, () => readPrefix(entry.source, entry.size));
  }

  #remember(key: string, bytes: number, make: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.#cache.get(key);
    if (hit) {
      // Most recently used last.
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit.value;
    }
    const value = make();
    // A failure is not kept: the next host tries again (and reports its own error).
    value.catch(() => {
      if (this.#cache.get(key)?.value === value) this.#forget(key);
    });
    if (bytes > this.budgetBytes) return value;
    for (const [oldKey] of this.#cache) {
      if (this.#bytes + bytes <= this.budgetBytes) break;
      this.#forget(oldKey);
    }
    this.#cache.set(key, { value, bytes });
    this.#bytes += bytes;
    return value;
  }

  #forget(key: string): void {
    const item = this.#cache.get(key);
    if (!item) return;
    this.#cache.delete(key);
    this.#bytes -= item.bytes;
  }
}

async function readPrefix(path: string, size: number): Promise<Buffer> {
  try {
    const file = await open(path, 'r');
    try {
      const data = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const { bytesRead } = await file.read(data, got, size - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return data.subarray(0, got);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new TransferError(path, localReason(error));
  }
}

function memberKey(entry: Sendable): string {
  return entry.kind === 'file'
    ? `${entry.rel}\0f${entry.source}\0${entry.mode}\0${entry.size}\0${entry.mtimeSec}`
    : `${entry.rel}\0l${entry.target}\0${entry.mtimeSec}`;
}

function estimateTarBytes(batch: readonly Sendable[]): number {
  let bytes = 1024;
  for (const entry of batch) bytes += 1024 + (entry.kind === 'file' ? entry.size : 0);
  return bytes;
}

function toMember(entry: Sendable): TarMember {
  if (entry.kind === 'symlink') return { ...entry, name: entry.rel };
  let data: Buffer;
  try {
    data = readFileSync(entry.source);
  } catch (error) {
    throw new TransferError(entry.source, localReason(error));
  }
  return { kind: 'file', name: entry.rel, mode: entry.mode, mtimeSec: entry.mtimeSec, data };
}
