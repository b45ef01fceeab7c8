import type { SshSettings } from '../hosts/index.js';
import type { Outcome } from '../outcome/outcome.js';
import type { CapturedOutput } from './output-capture.js';
import type { RemoteFiles } from './remote-files.js';

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
  /**
   * false: the command starts where the login starts, not in the target's home (lwt's own
   * scripts that use absolute paths, or find out whether the home exists). Default true.
   */
  readonly inHome?: boolean;
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
  /**
   * Each chunk of standard output as it arrives (any size, cut anywhere). A promise returned
   * holds the command's further output, both streams, until it settles: the host then waits to
   * send, as a command under plain ssh waits when ssh's stdout is full (a slow reader, a pager).
   * Once the run is stopped, output is passed on without waiting.
   */
  readonly onStdout?: OutputListener;
  readonly onStderr?: OutputListener;
  /**
   * How many bytes of each stream the result keeps (the first ones); the rest is only counted.
   * Default DEFAULT_MAX_OUTPUT_BYTES; 0 keeps none (output goes to the callbacks only).
   */
  readonly maxOutputBytes?: number;
}

/** Takes a chunk of output; a promise returned asks for no more until it settles. */
export type OutputListener = (chunk: Buffer) => Promise<void> | void;

/** How a command ended, with the start of what it printed and how much that was. */
export interface RemoteRunResult extends CapturedOutput {
  readonly outcome: Outcome;
}

/** A host reached, or the outcome that says why it was not. */
export type HostConnectResult =
  | { readonly ok: true; readonly host: HostConnection }
  | { readonly ok: false; readonly outcome: Outcome };

/**
 * One host's connection: commands and a file session over it. Shared by everything that works
 * on the host in the same run; lwt's fleet, files and health code reach hosts only through it.
 */
export interface HostConnection {
  readonly target: RemoteTarget;
  /** Runs one command; always resolves with exactly one outcome. */
  run(request: RemoteRunRequest): Promise<RemoteRunResult>;
  /**
   * Opens a file session. Aborting `signal` settles every request still waiting on it (the
   * caller then drops the connection: see `discard`).
   */
  openFiles(signal: AbortSignal): Promise<RemoteFiles>;
  /** Calls `listener` once when the connection is lost; returns what stops listening. */
  onLost(listener: () => void): () => void;
  /** Drops the connection (found dead, or wedged by an abort); the next `connect` opens anew. */
  discard(): void;
}

/**
 * How lwt reaches hosts. The fleet layer drives a Transport and never knows whether it is
 * ssh2, the fake of lwt/testing, or something else. One connection per host is opened on first
 * use and kept until `close()`; a host that could not be reached is not tried again.
 */
export interface Transport {
  connect(target: RemoteTarget): Promise<HostConnectResult>;
  /** `connect`, then one command: the outcome of either. */
  run(target: RemoteTarget, request: RemoteRunRequest): Promise<RemoteRunResult>;
  /** Closes every connection the transport holds. */
  close(): Promise<void>;
}
