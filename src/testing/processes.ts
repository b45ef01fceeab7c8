import { readdirSync, readFileSync } from 'node:fs';

/** One line of the process table: enough to walk a tree and to recognise a pid later. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** The command name (at most 15 characters), e.g. "sshd". */
  readonly comm: string;
  /** Clock ticks since boot: with the pid, tells a process from a later one that reused its pid. */
  readonly startTime: number;
}

function readEntry(pid: number): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    // Fields after the command name: state ppid pgrp session tty tpgid flags minflt cminflt
    // majflt cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime.
    const rest = stat.slice(close + 2).split(' ');
    return {
      pid,
      ppid: Number(rest[1]),
      comm: stat.slice(open + 1, close),
      startTime: Number(rest[19]),
    };
  } catch {
    return undefined; // It ended while we looked.
  }
}

/**
 * The process table from /proc. Synchronous on purpose: the process 'exit' hook must be able to
 * use it, and a few hundred small reads take about a millisecond.
 */
export function readProcessTable(): ProcessEntry[] {
  const table: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readEntry(Number(name));
    if (entry) table.push(entry);
  }
  return table;
}

/** The live processes whose parent is `ppid`. */
export function childrenOf(ppid: number, table = readProcessTable()): ProcessEntry[] {
  return table.filter((p) => p.ppid === ppid && p.pid !== ppid);
}

/**
 * Every descendant of `pid` by parent pid, parents before children. Read it before signalling
 * anything: once a parent dies its children are re-parented and cannot be told from strangers.
 */
export function descendantsOf(pid: number, table = readProcessTable()): ProcessEntry[] {
  const byParent = new Map<number, ProcessEntry[]>();
  for (const p of table) {
    const siblings = byParent.get(p.ppid);
    if (siblings) siblings.push(p);
    else byParent.set(p.ppid, [p]);
  }
  const found: ProcessEntry[] = [];
  const queue = [pid];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    for (const child of byParent.get(current) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** True while `entry` (the same process, not a later one with its pid) has not been reaped. */
export function isSameProcessAlive(entry: ProcessEntry): boolean {
  return readEntry(entry.pid)?.startTime === entry.startTime;
}

/** Sends a signal, ignoring a process that is already gone. */
export function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: it ended on its own; EPERM cannot happen to our own children.
  }
}

/** Resolves once `check` holds, or rejects after `timeoutMs` with `what` in the message. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
