import type { Outcome } from '../outcome/outcome.js';

/** Which host an event is about, as users and the --json format name it. */
export interface HostRef {
  readonly name: string;
  readonly user: string;
  readonly port: number;
}

/** How one host's command ended, with everything it printed. */
export interface HostResult extends HostRef {
  readonly outcome: Outcome;
  readonly stdout: string;
  readonly stderr: string;
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

/** Hooks a reporter may implement over a fleet run; every one is optional. */
export interface FleetReporter {
  onHostStart?(host: HostRef): void;
  /** One whole line (without its newline) as it arrives. */
  onOutput?(host: HostRef, stream: OutputStream, line: string): void;
  onHostEnd?(result: HostResult): void;
  onRunEnd?(result: FleetResult): void;
  /** A note for the user that is not output of any host (a remembered host key, say). */
  onNote?(message: string): void;
}
