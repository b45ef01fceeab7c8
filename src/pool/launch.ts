import type { Outcome } from '../outcome/outcome.js';

/** What a launched command reports, in this order: output as it comes, then `close` once. */
export interface LaunchCallbacks {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** Exactly once, when the command has ended and both its pipes are closed (or dropped). */
  close(outcome: Outcome): void;
}

export interface LaunchOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** A command started by a Launcher. */
export interface Launched {
  /** Its pid, the id of its session and process group; undefined if it never started. */
  readonly pid: Promise<number | undefined>;
  /** Stop waiting for the pipes (a process that escaped the tree may hold them); close follows. */
  dropPipes(): void;
}

/**
 * Starts `command` with /bin/sh -c in a session of its own (setsid), stdin from /dev/null,
 * stdout and stderr piped. A failure to start shows as exit 127 with a message on stderr, as a
 * shell reports a command it cannot run. Callbacks never run before the launcher returns.
 */
export type Launcher = (
  command: string,
  options: LaunchOptions,
  callbacks: LaunchCallbacks,
) => Launched;

/** The message both launchers give when /bin/sh could not be started. */
export function startFailure(why: string): Buffer {
  return Buffer.from(`lwt: could not start /bin/sh: ${why}\n`);
}
