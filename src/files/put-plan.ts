import type { CompareMode, TreeEntry } from './tree-entry.js';

type DirEntry = Extract<TreeEntry, { kind: 'dir' }>;
type FileEntry = Extract<TreeEntry, { kind: 'file' }>;
type LinkEntry = Extract<TreeEntry, { kind: 'symlink' }>;

/** What is at a path on the receiving side (lstat: a link is a link). */
export interface ExistingItem {
  readonly kind: 'dir' | 'file' | 'symlink' | 'other';
  readonly size: number;
  readonly mtimeSec: number;
  readonly mode: number;
  /** A link's target, when it was read. */
  readonly target?: string;
}

export interface PutPlan {
  /** Folders to create, parents first. */
  readonly mkdirs: readonly DirEntry[];
  /** Folders that exist with another mode. */
  readonly chmods: readonly DirEntry[];
  readonly send: readonly (FileEntry | LinkEntry)[];
  /** Same size on both sides: only their content can tell (--checksum). */
  readonly compare: readonly FileEntry[];
  readonly skip: readonly (FileEntry | LinkEntry)[];
  /** Paths that cannot be written as asked: a folder where a file goes, or the reverse. */
  readonly conflicts: readonly { readonly rel: string; readonly reason: string }[];
}

/**
 * Decides what to send, pure: a file whose size and mtime match what is there is skipped
 * (rsync's quick check), unless `checksum` (then same-size files are compared by content) or
 * `force`. A link is skipped when it already points at the same target.
 */
export function planPut(
  entries: readonly TreeEntry[],
  existing: ReadonlyMap<string, ExistingItem>,
  mode: CompareMode,
): PutPlan {
  const plan = {
    mkdirs: [] as DirEntry[],
    chmods: [] as DirEntry[],
    send: [] as (FileEntry | LinkEntry)[],
    compare: [] as FileEntry[],
    skip: [] as (FileEntry | LinkEntry)[],
    conflicts: [] as { rel: string; reason: string }[],
  };
  for (const entry of entries) {
    const there = existing.get(entry.rel);
    switch (entry.kind) {
      case 'dir':
        if (!there) plan.mkdirs.push(entry);
        else if (there.kind !== 'dir')
          plan.conflicts.push({ rel: entry.rel, reason: 'not a directory (a file is in the way)' });
        else if ((there.mode & 0o7777) !== entry.mode) plan.chmods.push(entry);
        break;
      case 'file':
        if (there?.kind === 'dir') {
          plan.conflicts.push({ rel: entry.rel, reason: 'is a directory' });
        } else if (mode === 'force' || there?.kind !== 'file' || there.size !== entry.size) {
          plan.send.push(entry);
        } else if (mode === 'checksum') {
          plan.compare.push(entry);
        } else if (there.mtimeSec === entry.mtimeSec) {
          plan.skip.push(entry);
        } else plan.send.push(entry);
        break;
      case 'symlink':
        if (there?.kind === 'dir')
          plan.conflicts.push({ rel: entry.rel, reason: 'is a directory' });
        else if (mode !== 'force' && there?.kind === 'symlink' && there.target === entry.target)
          plan.skip.push(entry);
        else plan.send.push(entry);
        break;
    }
  }
  return plan;
}

/** The kind of an lstat mode (the S_IFMT bits). */
export function kindOfMode(mode: number): ExistingItem['kind'] {
  switch (mode & 0o170000) {
    case 0o040000:
      return 'dir';
    case 0o100000:
      return 'file';
    case 0o120000:
      return 'symlink';
    default:
      return 'other';
  }
}
