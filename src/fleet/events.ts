import type { Outcome } from '../outcome/outcome.js';
import type { CapturedOutput } from '../transport/output-capture.js';

/** Which host an event is about, as users and the --json format name it. */
export interface HostRef {
  readonly name: string;
  readonly user: string;
  readonly port: number;
}

/**
 * How one host's command ended, with the start of what it printed (up to `maxOutputBytes` a
 * stream) and how much it printed in all.
 */
export interface HostResult extends HostRef, CapturedOutput {
  readonly outcome: Outcome;
  readonly startedAt: Date;
  readonly durationMs: number;
}

/** Every host's result, in the order the hosts were given, with views by success. */
export interface FleetResult {
  readonly results: readonly HostResult[];
  readonly ok: readonly HostResult[];
  readonly failed: readonly HostResult[];
  readonly durationMs: number;
  /** True when a stop was requested (Ctrl-C, SIGTERM) before every host was done. */
  readonly interrupted: boolean;
}

export type OutputStream = 'stdout' | 'stderr';

/**
 * Hooks a reporter may implement over a fleet run; every one is optional. Reporters render:
 * one that throws in a host's hook makes that host's outcome an `error` naming what failed
 * (its own outcome is kept in the message), and one that throws at the end of the run is
 * told to the others as a note. No host's result is ever lost to a reporter.
 */
export interface FleetReporter {
  onHostStart?(host: HostRef): void;
  /**
   * Output bytes as they arrive, cut anywhere (for writing them on unchanged). Like onLines, it
   * may return a promise to hold that host's further output until it settles (a full pipe).
   */
  onData?(host: HostRef, stream: OutputStream, chunk: Buffer): Promise<void> | void;
  /**
   * Whole lines as they arrive, one or more in `lines`, each ending with a newline. A line
   * longer than MAX_LINE_BYTES comes in pieces of that size, each ended by a newline; so does
   * a last line that had none. A promise returned holds that host's further output until it
   * settles, so a reporter that writes to a slow reader keeps lwt's memory bounded: the host
   * waits to send, as under plain ssh. A promise that rejects is a failure, as a throw is.
   */
  onLines?(host: HostRef, stream: OutputStream, lines: Buffer): Promise<void> | void;
  onHostEnd?(result: HostResult): void;
  onRunEnd?(result: FleetResult): void;
  /** A note for the user that is not output of any host (a remembered host key, say). */
  onNote?(message: string): void;
}
