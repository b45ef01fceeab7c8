import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { HostSession } from './host-deadline.js';
import { localReason } from './local-error.js';
import { quoteShellWord } from '../transport/shell-quote.js';
import { TransferError } from '../transport/file-errors.js';
import type { TreeEntry } from './tree-entry.js';

type FileEntry = Extract<TreeEntry, { kind: 'file' }>;

/** sha256 of a local file, hex. */
export function localSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', (error) => reject(new TransferError(path, localReason(error))));
  });
}

/**
 * sha256 of files under `base` on the host, in one command: names go in NUL-separated and
 * come back NUL-terminated (`sha256sum -z`), so any name survives. A file that cannot be read
 * is missing from the map, and is then sent.
 */
export async function remoteSha256(
  host: HostSession,
  base: string,
  files: readonly FileEntry[],
): Promise<Map<string, string>> {
  const result = await host.run({
    command: `cd ${quoteShellWord(base)} && xargs -0 sha256sum -z -- 2>/dev/null; exit 0`,
    stdin: Buffer.from(files.map((f) => `${f.rel}\0`).join('')),
    // A line of ~70 bytes a file: lwt's own output, kept whole.
    maxOutputBytes: Number.POSITIVE_INFINITY,
  });
  if (result.outcome.kind !== 'ok') {
    throw new TransferError(
      base,
      `could not compute checksums (${result.stderr.trim() || result.outcome.kind})`,
    );
  }
  const sums = new Map<string, string>();
  for (const record of result.stdout.split('\0')) {
    const match = /^([0-9a-f]{64}) [ *](.*)$/s.exec(record);
    if (match?.[1] && match[2] !== undefined) sums.set(match[2], match[1]);
  }
  return sums;
}
