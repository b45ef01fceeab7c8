import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Digits that no other process on the machine has in its command line; used as `sleep
 * 1000.<marker>` so that survivors can be found with ps and nothing else is ever matched.
 */
export function uniqueMarker(): string {
  return `${process.pid}${Date.now() % 1_000_000}${Math.floor(Math.random() * 1e6)}`;
}

/** Pids (and command lines) of live processes whose command line contains `marker`. */
export function findProcesses(marker: string): { pid: number; args: string }[] {
  const table = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  const found: { pid: number; args: string }[] = [];
  for (const line of table.split('\n')) {
    const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, stat, args] = match as unknown as [string, string, string, string];
    // A zombie is already dead; it only waits for its parent to read its status.
    if (stat.startsWith('Z') || !args.includes(marker)) continue;
    found.push({ pid: Number(pid), args });
  }
  return found;
}

/**
 * How many `sleep 1000.<marker>` processes run: the sleeps themselves, not the shells whose
 * command lines mention them, so that each command with one such sleep counts once.
 */
export function countSleeps(marker: string): number {
  return findProcesses(marker).filter((p) => p.args === `sleep 1000.${marker}`).length;
}

/** Polls `predicate` every 50 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (predicate()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Processes still carrying `marker` once a short settling time has passed (a process sent KILL
 * a moment ago may not have gone yet). Anything returned is a survivor.
 */
export async function survivors(marker: string, settleMs = 2_000): Promise<string[]> {
  await waitFor(() => findProcesses(marker).length === 0, settleMs);
  return findProcesses(marker).map((p) => `${p.pid} ${p.args}`);
}

/**
 * Markers handed out during a test; `reap` KILLs (by pid) whatever still carries one, so that a
 * failing test never leaves sleeps behind, and reports what it had to kill.
 */
export class MarkerRegistry {
  readonly #markers: string[] = [];

  next(): string {
    const marker = uniqueMarker();
    this.#markers.push(marker);
    return marker;
  }

  reap(): string[] {
    const killed: string[] = [];
    for (const marker of this.#markers.splice(0)) {
      for (const p of findProcesses(marker)) {
        try {
          process.kill(p.pid, 'SIGKILL');
          killed.push(`${p.pid} ${p.args}`);
        } catch {
          // Gone in the meantime.
        }
      }
    }
    return killed;
  }
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'lwt-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
