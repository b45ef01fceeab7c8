import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { quoteShellWord } from '../transport/shell-quote.js';
import type { HostSession } from './host-deadline.js';
import { baseNameOf } from './tree-entry.js';

/**
 * Names lwt gives what it writes before renaming into place, and the cleanup of those that
 * interrupted runs left behind (a killed lwt, a lost connection: no one was there to remove
 * them). A run id is `<client>-<pid>-<random>`: `client` tells this machine's runs apart from
 * other machines' (6 hex of its host name, machine id and pid namespace), so that a later run
 * here can ask whether the process that wrote a leftover is still alive.
 */

/** Leftovers that nobody has touched (ctime) for this long are removed whoever made them. */
export const LEFTOVER_IDLE_MINUTES = 60;

const CLIENT_TAG = clientTag();
const RUN_ID = /^([0-9a-f]{6})-(\d+)-[0-9a-f]{8}$/;
/** `.lwt-<run>-<batch>`: a tar batch's staging folder. */
const STAGE_NAME = /^\.lwt-([0-9a-f]{6}-\d+-[0-9a-f]{8})-\d+$/;
/** `.<name>.lwt-<run>`: one file or link on its way to `<name>`. */
const TEMP_NAME = /^\..+\.lwt-([0-9a-f]{6}-\d+-[0-9a-f]{8})$/s;

/** A fresh run id: unique per host, as loopback hosts can share one file system. */
export function makeRunId(): string {
  return `${CLIENT_TAG}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The run id in a name lwt made (staging folder or temporary file), else undefined. */
export function leftoverRunId(name: string): string | undefined {
  return (STAGE_NAME.exec(name) ?? TEMP_NAME.exec(name))?.[1];
}

/**
 * How to treat a leftover of run `runId`, seen by run `current`: `now` when a process of this
 * machine wrote it and is gone; `idle` (remove if untouched for LEFTOVER_IDLE_MINUTES) when it
 * may belong to a live run elsewhere; `keep` for the current run's own names.
 */
export function leftoverAction(runId: string, current: string): 'now' | 'idle' | 'keep' {
  if (runId === current) return 'keep';
  const match = RUN_ID.exec(runId);
  if (!match || match[1] !== CLIENT_TAG) return 'idle';
  const pid = Number(match[2]);
  if (pid === process.pid) return 'idle'; // Another put of this process, maybe still going.
  return isAlive(pid) ? 'idle' : 'now';
}

/**
 * Removes the leftovers among `items` (paths under `base` on the host, with their mtime), in
 * one command, and only when there is one to remove. Best effort: a leftover that cannot be
 * removed is left, and never fails the put. Resolves with the number of names it asked about.
 */
export async function removeRemoteLeftovers(
  host: HostSession,
  base: string,
  items: Iterable<{ readonly rel: string; readonly mtimeSec: number }>,
  runId: string,
): Promise<number> {
  const records: string[] = [];
  const recent = Date.now() / 1000 - LEFTOVER_IDLE_MINUTES * 60;
  for (const { rel, mtimeSec } of items) {
    const owner = leftoverRunId(baseNameOf(rel));
    const action = owner === undefined ? 'keep' : leftoverAction(owner, runId);
    // A recent mtime means a recent ctime too: not idle, no need to ask (hosts that share a
    // file system see each other's staging folders during one run).
    if (action === 'keep' || (action === 'idle' && mtimeSec > recent)) continue;
    records.push(`${action === 'now' ? 'N' : 'I'}./${rel}\0`);
  }
  if (records.length === 0) return 0;
  // Idle: nothing in it changed (ctime: writes, renames, attributes) for the whole period.
  // Only with a find that knows -cmin and -quit, and only when find could look everywhere.
  const script =
    `ok=; find . -maxdepth 0 -cmin +0 -quit >/dev/null 2>&1 && ok=1; ` +
    `for r; do p=\${r#?}; case $r in ` +
    `N*) rm -rf -- "$p" ;; ` +
    `*) [ -n "$ok" ] && out=$(find "$p" -cmin -${LEFTOVER_IDLE_MINUTES} -print -quit 2>/dev/null) && ` +
    `[ -z "$out" ] && rm -rf -- "$p" ;; ` +
    `esac; done; exit 0`;
  await host.run({
    command: `cd ${quoteShellWord(base)} || exit 0; xargs -0 sh -c ${quoteShellWord(script)} lwt`,
    stdin: Buffer.from(records.join('')),
  });
  return records.length;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * This machine and pid namespace, hashed: a pid is only worth checking where it was taken
 * (containers made from one image can share a machine id, never a pid namespace).
 */
function clientTag(): string {
  const parts = [hostname()];
  for (const path of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      parts.push(readFileSync(path, 'utf8').trim());
      break;
    } catch {
      // Not there: the other parts.
    }
  }
  try {
    parts.push(readlinkSync('/proc/self/ns/pid'));
  } catch {
    // No /proc (not Linux): the other parts.
  }
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 6);
}
