import { localSha256, remoteSha256 } from './checksums.js';
import type { HostRun, HostSession } from './host-deadline.js';
import { planPut } from './put-plan.js';
import { leftoverRunId, removeRemoteLeftovers } from './leftovers.js';
import { listRemoteTree } from './remote-tree.js';
import { makeRemoteDir, makeRemoteDirs, resolveRemotePath } from './remote-paths.js';
import { sendFileViaSftp, sendLinkViaSftp } from './sftp-send.js';
import type { SharedPayload } from './shared-payload.js';
import { sendBatchViaTar } from './tar-send.js';
import { TransferError } from '../transport/file-errors.js';
import type { RemoteStats } from '../transport/remote-files.js';
import {
  baseNameOf,
  joinPath,
  parentOf,
  tempNameFor,
  type CompareMode,
  type TreeEntry,
} from './tree-entry.js';

/** Files up to this size go in tar batches; bigger ones go over SFTP (measured crossover). */
export const SMALL_FILE_BYTES = 256 * 1024;
/** A tar batch is held in memory whole (the remote wrapper takes its input as one piece). */
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_ENTRIES = 4000;
/** Big files at once per host, each with its own writes in flight. */
const FILES_IN_FLIGHT = 4;

/** What one host receives: entries relative to `remote`, a folder created when missing. */
export interface PutSpec {
  /** The destination as the user gave it (relative: under the host's home). */
  readonly remote: string;
  readonly entries: readonly TreeEntry[];
  /**
   * One file to a REMOTE without a trailing slash: it becomes REMOTE, unless REMOTE is a folder
   * on the host, which then receives it under its own name (as cp and scp do).
   */
  readonly singleFile?: boolean;
}

export interface PutHostOptions extends HostRun {
  readonly compare: CompareMode;
  /** The put's bytes, read once for every host. */
  readonly payload: SharedPayload;
}

/**
 * One host's put: list what is there, plan, create folders, send, rename into place. Counts
 * go into `options.tally` as files land, so a host that fails part-way tells what it sent.
 */
export async function putToHost(
  host: HostSession,
  spec: PutSpec,
  options: PutHostOptions,
): Promise<void> {
  const session = await host.files();
  let base = await resolveRemotePath(session, host.target.home, spec.remote);
  let entries = spec.entries;
  const single = spec.singleFile ? entries[0] : undefined;
  let baseStat: Promise<RemoteStats | undefined> | undefined;
  if (single) {
    // The parent's stat goes out with REMOTE's, a round trip less: it is the folder the file
    // goes into unless REMOTE is one. Unused, its failure is nobody's.
    const parent = parentOf(base) || '/';
    const parentStat = session.stat(parent);
    parentStat.catch(() => undefined);
    const there = await session.stat(base);
    if (there?.isDirectory()) {
      entries = [{ ...single, rel: baseNameOf(single.rel) }];
      baseStat = Promise.resolve(there);
    } else {
      entries = [{ ...single, rel: baseNameOf(base) }];
      base = parent;
      baseStat = parentStat;
    }
  }
  await makeRemoteDirs(session, base, baseStat);
  const existing = await listRemoteTree(session, base, entries);
  // What interrupted runs left where this one writes (staging folders, temporary files).
  const leftovers = [...existing]
    .filter(([rel]) => leftoverRunId(baseNameOf(rel)) !== undefined)
    .map(([rel, item]) => ({ rel, mtimeSec: item.mtimeSec }));
  if (leftovers.length > 0) await removeRemoteLeftovers(host, base, leftovers, options.runId);
  const plan = planPut(entries, existing, options.compare);
  const conflict = plan.conflicts[0];
  if (conflict) throw new TransferError(joinPath(base, conflict.rel), conflict.reason);

  const tally = options.tally;
  const sizeOf = (e: TreeEntry) => (e.kind === 'file' ? e.size : 0);
  const landed = (entries: readonly TreeEntry[]) => {
    tally.filesCopied += entries.length;
    tally.bytesCopied += entries.reduce((sum, e) => sum + sizeOf(e), 0);
  };
  const skipped = (entries: readonly TreeEntry[]) => {
    tally.filesSkipped += entries.length;
    tally.bytesSkipped += entries.reduce((sum, e) => sum + sizeOf(e), 0);
  };
  const send = [...plan.send];
  skipped(plan.skip);
  if (plan.compare.length > 0) {
    const remote = await remoteSha256(host, base, plan.compare);
    for (const file of plan.compare) {
      if (remote.get(file.rel) === (await localSha256(file.source))) skipped([file]);
      else send.push(file);
    }
  }
  // Parents first; a level's folders at once.
  for (const level of groupByDepth(plan.mkdirs)) {
    await Promise.all(
      level.map((dir) => makeRemoteDir(session, joinPath(base, dir.rel), dir.mode)),
    );
    // mkdir's mode went through the remote umask.
    await Promise.all(
      level.map((dir) => session.setPathAttributes(joinPath(base, dir.rel), { mode: dir.mode })),
    );
  }
  await Promise.all(
    plan.chmods.map((dir) =>
      session.setPathAttributes(joinPath(base, dir.rel), { mode: dir.mode }),
    ),
  );

  const small = send.filter((e) => e.kind === 'symlink' || e.size <= SMALL_FILE_BYTES);
  const big = send.filter(
    (e): e is Extract<TreeEntry, { kind: 'file' }> =>
      e.kind === 'file' && e.size > SMALL_FILE_BYTES,
  );
  const viaSftp: typeof send = [...big];
  const tarDone = (async () => {
    const batches = intoBatches(small);
    for (const [index, batch] of batches.entries()) {
      const ok = await sendBatchViaTar(
        host,
        base,
        batch,
        `.lwt-${options.runId}-${index}`,
        tempNameFor(`batch-${index}.tar`, options.runId),
        options.payload,
      );
      if (!ok) {
        // No tar there: everything left goes over SFTP.
        viaSftp.push(...batches.slice(index).flat());
        return;
      }
      options.onBytes(batch.reduce((sum, e) => sum + sizeOf(e), 0));
      landed(batch);
    }
  })();
  await tarDone;
  await runPool(viaSftp, FILES_IN_FLIGHT, async (entry) => {
    if (entry.kind === 'file')
      await sendFileViaSftp(session, base, entry, options.runId, options.onBytes, options.payload);
    else await sendLinkViaSftp(session, base, entry, options.runId);
    landed([entry]);
  });
}

function groupByDepth<T extends { rel: string }>(entries: readonly T[]): T[][] {
  const levels: T[][] = [];
  for (const entry of entries) {
    const depth = entry.rel.split('/').length - 1;
    (levels[depth] ??= []).push(entry);
  }
  return levels.filter((level) => level !== undefined);
}

function intoBatches<T extends TreeEntry>(entries: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.kind === 'file' ? entry.size : 0;
    if (current.length > 0 && (bytes + size > BATCH_BYTES || current.length >= BATCH_ENTRIES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** `work` on every item, at most `limit` at once; the first failure rejects. */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
