import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshdAvailable } from '../../src/testing/index.js';
import { repoRoot } from '../helpers/lwt-process.js';

const built = join(repoRoot, 'dist', 'testing', 'index.js');

/** A process that starts a fleet, prints it, and exits without stopping it: a crashed test. */
const script = `
  const { startSshFleet } = await import(${JSON.stringify(built)});
  const fleet = await startSshFleet({ hosts: 2 });
  console.log(JSON.stringify({ pid: fleet.sshdPid, dir: fleet.dir }));
  process.exit(3);
`;

/**
 * Whether pid is a live process. A killed sshd whose parent exited waits as a zombie until
 * whatever adopted it reaps it, and a container's first process may never do that: a zombie
 * has ended, so it counts as stopped.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state follows the command name in parentheses, which may itself hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

// Runs the built library in a child process, so it needs dist/ (`npm test` builds it first).
describe.skipIf(!sshdAvailable() || !existsSync(built) || process.getuid?.() !== 0)(
  'the exit hook',
  () => {
    it('kills the sshd and removes the folder of a fleet nobody stopped', async () => {
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--input-type=module', '-e', script],
          { timeout: 15_000 },
          (error, out) => (error?.code === 3 ? resolve(out) : reject(error ?? new Error(out))),
        );
      });
      const { pid, dir } = JSON.parse(stdout) as { pid: number; dir: string };
      expect(pid).toBeGreaterThan(0);
      expect(existsSync(dir)).toBe(false);
      // Killed at exit: a moment may pass before the signal lands.
      const deadline = Date.now() + 2_000;
      while (isRunning(pid) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(isRunning(pid)).toBe(false);
    });
  },
);
