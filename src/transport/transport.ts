import type { SshSettings } from '../hosts/index.js';
import type { Outcome } from '../outcome/outcome.js';

/** One host as the transport sees it: how to reach it and where its commands run. */
export interface RemoteTarget {
  /** The name lwt shows and files results under. */
  readonly name: string;
  readonly settings: SshSettings;
  /** Folder the command runs in (the host's `home`), if any. */
  readonly home?: string;
}

export interface RemoteRunRequest {
  readonly command: string;
  /** Sent to the command's standard input; the remote stdin is empty without it. */
  readonly stdin?: Buffer;
  /** Deadline for the command once connected; 0 for none. */
  readonly timeoutMs: number;
  /** Grace between TERM and KILL of the remote tree. */
  readonly killAfterMs: number;
  /** Graceful stop (Ctrl-C): stop the remote tree, report `canceled`. */
  readonly signal?: AbortSignal;
  /** Immediate stop: KILL the remote tree and drop the connection. */
  readonly forceSignal?: AbortSignal;
  readonly onStdout?: (chunk: Buffer) => void;
  readonly onStderr?: (chunk: Buffer) => void;
}

export interface RemoteRunResult {
  readonly outcome: Outcome;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * How commands reach hosts. The fleet layer drives a Transport and never knows whether it is
 * ssh2, a fake for tests, or something else.
 */
export interface Transport {
  /** Runs one command on one host; always resolves with exactly one outcome. */
  run(target: RemoteTarget, request: RemoteRunRequest): Promise<RemoteRunResult>;
  /** Closes every connection the transport holds. */
  close(): Promise<void>;
}
