import { readdir, readFile } from 'node:fs/promises';

/**
 * The pids of every process whose session id is `sid`. A child spawned detached is a session
 * leader, so its session holds the whole tree, even the parts that moved to a process group
 * of their own (timeout(1), shells with job control) and so escape `kill(-pgid)`.
 */
export async function sessionMembers(sid: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return []; // No procfs (not Linux): group kill alone has to do.
  }
  const members: number[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return;
      try {
        const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
        // Fields after the parenthesised command name: state ppid pgrp session ...
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(rest[3]) === sid) members.push(Number(entry));
      } catch {
        // The process ended while we looked.
      }
    }),
  );
  return members;
}

/** Sends `signal` to the process group `pgid` and to every process of session `sid`. */
export async function signalTree(pid: number, signal: NodeJS.Signals): Promise<void> {
  trySignal(-pid, signal);
  for (const member of await sessionMembers(pid)) trySignal(member, signal);
}

function trySignal(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: already gone, which is what we want.
  }
}
