/**
 * One item of a transfer, by its path relative to the folder it goes into (posix separators,
 * never empty, never with `.` or `..` parts). `source` is where its bytes come from on the
 * sending side.
 */
export type TreeEntry =
  | { readonly kind: 'dir'; readonly rel: string; readonly mode: number }
  | {
      readonly kind: 'file';
      readonly rel: string;
      readonly mode: number;
      readonly size: number;
      /** Whole seconds: SFTP v3 carries no more, so the quick check compares seconds. */
      readonly mtimeSec: number;
      readonly source: string;
    }
  | {
      readonly kind: 'symlink';
      readonly rel: string;
      readonly target: string;
      readonly mtimeSec: number;
    };

/** Files and bytes a host moved and left alone because they were already there. */
export interface TransferCounts {
  readonly filesCopied: number;
  readonly bytesCopied: number;
  readonly filesSkipped: number;
  readonly bytesSkipped: number;
}

/**
 * Counts that grow while a host's transfer goes, so that a host that fails part-way still
 * tells what it moved before it failed.
 */
export type TransferTally = { -readonly [K in keyof TransferCounts]: number };

export function newTally(): TransferTally {
  return { filesCopied: 0, bytesCopied: 0, filesSkipped: 0, bytesSkipped: 0 };
}

export const NO_TRANSFER: TransferCounts = {
  filesCopied: 0,
  bytesCopied: 0,
  filesSkipped: 0,
  bytesSkipped: 0,
};

/** How to decide that a file is already in place (rsync's quick check by default). */
export type CompareMode = 'quick' | 'checksum' | 'force';

/** `a/b/c` -> `a/b`; `c` -> ``. */
export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}

/** `a/b/c` -> `c`. */
export function baseNameOf(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

/** Joins posix path parts, leaving out empty ones: joinPath('/opt/app', '', 'x') = '/opt/app/x'. */
export function joinPath(...parts: string[]): string {
  const kept = parts.filter((p) => p !== '');
  if (kept.length === 0) return '';
  return kept
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, '') || '/' : p.replace(/^\/+|\/+$/g, '')))
    .join('/')
    .replace(/^\/\//, '/');
}

/** The temporary name a file is written under before it is renamed into place. */
export function tempNameFor(rel: string, runId: string): string {
  const parent = parentOf(rel);
  const name = `.${baseNameOf(rel)}.lwt-${runId}`;
  return parent === '' ? name : `${parent}/${name}`;
}
