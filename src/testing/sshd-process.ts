import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { waitForSshBanner } from './network.js';

/** Where Debian and most distributions install the server. */
export const SSHD_PATH = '/usr/sbin/sshd';

/** Whether OpenSSH's server is installed, for `describe.skipIf(!sshdAvailable())`. */
export function sshdAvailable(): boolean {
  return existsSync(SSHD_PATH);
}

/** A listening sshd we started. */
export interface SshdProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the listener has exited and been reaped. */
  readonly exited: Promise<void>;
}

/** Thrown when the port was taken between choosing it and sshd binding it: pick another. */
export class PortTakenError extends Error {}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Starts `sshd -D -f config -e` and resolves once `probeAddress:port` sends an SSH banner. Its log
 * goes to a file rather than a pipe: a pipe would hold our event loop open and would break
 * (SIGPIPE) the moment this process died. The child is unref'd for the same reason: a fleet
 * someone forgot to stop must not keep the test process alive; the exit hook kills it.
 */
export async function startSshd(options: {
  configPath: string;
  logPath: string;
  port: number;
  probeAddress: string;
}): Promise<SshdProcess> {
  // Privilege separation needs this empty folder; a fresh machine or container may lack it.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  }
  // Truncated at each start: a retry must not read the last attempt's "Address already in use".
  const logFd = openSync(options.logPath, 'w');
  let child: ChildProcess;
  try {
    // An absolute path: sshd re-executes itself for every connection and refuses a relative one.
    child = spawn(SSHD_PATH, ['-D', '-f', options.configPath, '-e'], {
      stdio: ['ignore', 'ignore', logFd],
    });
  } finally {
    closeSync(logFd);
  }
  child.unref();
  let ended: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = `sshd exited (${signal ?? `code ${code}`}): ${readLog(options.logPath)}`;
      resolve();
    });
    child.once('error', (error) => {
      ended = `could not start ${SSHD_PATH}: ${error.message}`;
      resolve();
    });
  });
  try {
    await waitForSshBanner(options.probeAddress, options.port, {
      timeoutMs: 10_000,
      gaveUp: () => ended,
    });
  } catch (error) {
    if (ended === undefined) child.kill('SIGKILL');
    child.ref();
    await exited;
    const log = readLog(options.logPath);
    if (/Address already in use/.test(log)) throw new PortTakenError(log);
    throw error;
  }
  return { child, pid: child.pid ?? 0, exited };
}
