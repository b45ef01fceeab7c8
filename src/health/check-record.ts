import type { Outcome } from '../outcome/outcome.js';

/** What the probe measured on one host; a figure the host could not give is absent. */
export interface HostFigures {
  readonly hostname?: string;
  /** `uname -sr`: "Linux 6.1.0-18-amd64". */
  readonly kernel?: string;
  readonly cores?: number;
  /** Load averages over 1, 5 and 15 minutes (not per core). */
  readonly load?: readonly [number, number, number];
  readonly memTotalBytes?: number;
  /** MemAvailable: what new work can use without swapping. */
  readonly memAvailableBytes?: number;
  /** The host's home folder as the probe resolved it. */
  readonly home?: string;
  /** False when the home folder does not exist (`lwt hosts deploy` creates it). */
  readonly homeExists?: boolean;
  /** Free and total space of the file system holding the home folder. */
  readonly diskFreeBytes?: number;
  readonly diskTotalBytes?: number;
  /** TCP, key exchange and authentication. */
  readonly connectMs?: number;
  /** SFTP rates of the test file, with --bandwidth. */
  readonly putBytesPerSecond?: number;
  readonly getBytesPerSecond?: number;
}

/** A threshold a host failed, and the figure that failed it. */
export interface ThresholdFailure {
  /** The flag that set it, without dashes: "max-load", "check", "home", ... */
  readonly threshold: ThresholdName;
  /** One line for people: "load 1.52 per core > 1". */
  readonly message: string;
}

/** `timeout`: the probe started but did not finish within --timeout. */
export type ThresholdName =
  | 'home'
  | 'max-load'
  | 'min-free-disk'
  | 'min-put-rate'
  | 'min-get-rate'
  | 'bandwidth'
  | 'check'
  | 'timeout';

/**
 * Where an unreachable host broke: the transport's stages (refused, auth, ...), the connect
 * deadline, or the probe command itself (it timed out, the connection dropped, no shell).
 */
export type CheckStage =
  | 'dns'
  | 'refused'
  | 'reset'
  | 'handshake'
  | 'hostkey'
  | 'auth'
  | 'proxy'
  | 'connect-timeout'
  | 'probe'
  | 'canceled';

/** The three answers of a check. */
export type HostStatus = 'available' | 'unhealthy' | 'unreachable';

/** One check of one host, as kept in the state file. */
export type CheckRecord =
  | (CheckBase & { readonly status: 'available' })
  | (CheckBase & { readonly status: 'unhealthy'; readonly failed: readonly ThresholdFailure[] })
  | (CheckBase & {
      readonly status: 'unreachable';
      readonly stage: CheckStage;
      /** How the transport or the probe ended. */
      readonly outcome: Outcome;
    });

interface CheckBase {
  /** When the check of this host started, ISO 8601. */
  readonly at: string;
  /** One line for people: why the host is not available ('' when it is). */
  readonly why: string;
  readonly figures: HostFigures;
  readonly durationMs: number;
}

/** An earlier check, kept short: the history is for trends, the last check has the figures. */
export interface HistoryEntry {
  readonly at: string;
  readonly status: HostStatus;
  readonly why: string;
  readonly load1?: number;
  readonly connectMs?: number;
}
