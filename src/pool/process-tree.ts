import { readdir, readFile } from 'node:fs/promises';

/** One line of the process table, as much of it as stopping a tree needs. */
interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly sid: number;
}

/** The process table from /proc; empty where there is no procfs (not Linux). */
async function readProcessTable(): Promise<ProcessEntry[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return []; // No procfs: group kill alone has to do.
  }
  const table: ProcessEntry[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return;
      try {
        const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
        // Fields after the parenthesised command name: state ppid pgrp session ...
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        table.push({ pid: Number(entry), ppid: Number(rest[1]), sid: Number(rest[3]) });
      } catch {
        // The process ended while we looked.
      }
    }),
  );
  return table;
}

/**
 * The pids of every process whose session id is `sid`. A child spawned detached is a session
 * leader, so its session holds the whole tree, even the parts that moved to a process group
 * of their own (timeout(1), shells with job control) and so escape `kill(-pgid)`.
 */
export async function sessionMembers(sid: number): Promise<number[]> {
  return (await readProcessTable()).filter((p) => p.sid === sid).map((p) => p.pid);
}

/**
 * The session of `pid` plus every descendant of `pid` and of the session's members, by parent
 * pid, as GNU parallel finds a job's family: a child that called setsid(1) has left the session
 * but is still somebody's child while its parent lives.
 */
export async function treeMembers(pid: number): Promise<number[]> {
  const table = await readProcessTable();
  const children = new Map<number, number[]>();
  for (const p of table) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  // Seeded from the session only: a live leader is its own member, and a dead one's pid may
  // already belong to a stranger.
  const members = new Set(table.filter((p) => p.sid === pid).map((p) => p.pid));
  const queue = [...members];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    for (const child of children.get(current) ?? []) {
      if (!members.has(child)) {
        members.add(child);
        queue.push(child);
      }
    }
  }
  return [...members];
}

/**
 * Sends `signal` to the process group `pid` and to every process of its tree (treeMembers). The
 * tree is read before anything is signalled: once a parent dies its children are re-parented
 * and can no longer be told apart from strangers.
 */
export async function signalTree(pid: number, signal: NodeJS.Signals): Promise<void> {
  const members = await treeMembers(pid);
  trySignal(-pid, signal);
  for (const member of members) trySignal(member, signal);
}

function trySignal(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: already gone, which is what we want.
  }
}
