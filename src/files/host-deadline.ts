import type { Outcome } from '../outcome/outcome.js';
import { TransferAborted } from '../transport/file-errors.js';
import type { RemoteFiles } from '../transport/remote-files.js';
import type {
  HostConnection,
  RemoteRunRequest,
  RemoteRunResult,
  RemoteTarget,
  Transport,
} from '../transport/transport.js';
import type { TransferTally } from './tree-entry.js';

/** What one host's transfer works with: its files, its commands, and the abort that bounds both. */
export interface HostSession {
  readonly target: RemoteTarget;
  /** Aborted at the deadline, on a stop, or when the connection closes. */
  readonly signal: AbortSignal;
  /** The file session, opened on first use. */
  files(): Promise<RemoteFiles>;
  /**
   * One of lwt's own commands, outside the host's home (they use absolute paths: the home may
   * not exist yet), within what is left of the deadline and stopped by the same abort.
   */
  run(
    request: Pick<RemoteRunRequest, 'command' | 'stdin' | 'maxOutputBytes'>,
  ): Promise<RemoteRunResult>;
}

/** What a host's transfer gets besides its session. */
export interface HostRun {
  /** Names this run's temporary files and staging folders on the host. */
  readonly runId: string;
  readonly onBytes: (n: number) => void;
  /** What the job moved and skipped so far; read also when the job fails. */
  readonly tally: TransferTally;
}

export interface HostDeadlineOptions {
  /** Bounds the whole transfer once connected; 0 for none. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Runs one host's transfer within its deadline and always settles with one outcome. The
 * deadline, a stop, or a closed connection abort every pending operation and drop the
 * connection: a dead connection may never answer a file request, and a remote tar stops when
 * its channel goes (the remote wrapper's watchdog). A TransferError is the host's `error`
 * outcome, its message naming the path and the reason.
 */
export async function runWithinDeadline(
  transport: Transport,
  target: RemoteTarget,
  options: HostDeadlineOptions,
  work: (session: HostSession) => Promise<void>,
): Promise<Outcome> {
  if (options.signal?.aborted) return { kind: 'canceled' };
  const connection = await transport.connect(target);
  if (!connection.ok) return connection.outcome;
  const host: HostConnection = connection.host;
  const controller = new AbortController();
  const started = performance.now();
  let reason: Outcome | undefined;
  const abort = (why: Outcome, message: string) => {
    if (controller.signal.aborted) return;
    reason = why;
    controller.abort(new TransferAborted(message));
    host.discard();
  };
  const stopListening = host.onLost(() =>
    abort(
      { kind: 'unreachable', stage: 'reset', message: 'connection lost during the transfer' },
      'connection lost',
    ),
  );
  const onStop = () => abort({ kind: 'canceled' }, 'canceled');
  options.signal?.addEventListener('abort', onStop, { once: true });
  const timer =
    options.timeoutMs > 0
      ? setTimeout(
          () => abort({ kind: 'timeout', phase: 'run', afterMs: options.timeoutMs }, 'timed out'),
          options.timeoutMs,
        )
      : undefined;
  const remainingMs = () =>
    options.timeoutMs > 0 ? Math.max(1, options.timeoutMs - (performance.now() - started)) : 0;
  let files: Promise<RemoteFiles> | undefined;
  const session: HostSession = {
    target,
    signal: controller.signal,
    files: () => (files ??= host.openFiles(controller.signal)),
    run: async (request) => {
      const result = await host.run({
        ...request,
        inHome: false,
        timeoutMs: remainingMs(),
        killAfterMs: 1_000,
        signal: controller.signal,
      });
      if (controller.signal.aborted) throw controller.signal.reason;
      return result;
    },
  };
  try {
    await work(session);
    return reason ?? { kind: 'ok' };
  } catch (error) {
    if (reason) return reason;
    // A failure of this host is its outcome, never the whole run's: a TransferError names the
    // path; anything else (a local disk error not caught at its source) says what it can.
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'error', message };
  } finally {
    clearTimeout(timer);
    stopListening();
    options.signal?.removeEventListener('abort', onStop);
    // The file session is this transfer's own; the connection stays for others.
    if (!controller.signal.aborted)
      void files?.then(
        (f) => f.end(),
        () => undefined,
      );
  }
}
