/**
 * Every way a command can end, as one discriminated union. Local processes, remote commands
 * over SSH and file transfers all end in exactly one of these; nothing else decides what
 * "failed" means.
 */
export type Outcome =
  /** Exited with status 0. */
  | { readonly kind: 'ok' }
  /** Exited with a non-zero status. */
  | { readonly kind: 'exit'; readonly code: number }
  /** Killed by a signal (name like "SIGTERM"); `core` when a core dump was reported. */
  | { readonly kind: 'signal'; readonly signal: string; readonly core: boolean }
  /** The deadline passed: before the command started (connect) or while it ran (run). */
  | { readonly kind: 'timeout'; readonly phase: TimeoutPhase; readonly afterMs: number }
  /** The host could not be reached; `stage` says where it broke, `message` what the library said. */
  | { readonly kind: 'unreachable'; readonly stage: UnreachableStage; readonly message: string }
  /** Stopped because the user interrupted the run (Ctrl-C, SIGTERM) or it was never started. */
  | { readonly kind: 'canceled' }
  /** The command ended but nobody reported how (the SSH spec allows a server to send no status). */
  | { readonly kind: 'no-status' }
  /** Nothing was done on purpose (a host with nothing to send, say). */
  | { readonly kind: 'skipped'; readonly reason: string }
  /**
   * lwt's own work on the host failed, not a remote command: a file transfer that could not
   * read, write or rename a path. `message` names the path and the reason
   * ("/proc/x: no such file or directory").
   */
  | { readonly kind: 'error'; readonly message: string };

export type OutcomeKind = Outcome['kind'];
export type TimeoutPhase = 'connect' | 'run';
/** `proxy`: the ssh config's ProxyCommand failed (would not start, ended, or did not speak SSH). */
export type UnreachableStage =
  'dns' | 'refused' | 'reset' | 'handshake' | 'hostkey' | 'auth' | 'proxy';

export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'ok',
  'exit',
  'signal',
  'timeout',
  'unreachable',
  'canceled',
  'no-status',
  'skipped',
  'error',
];

/** Whether an outcome counts as success for summaries and the `ok` view of results. */
export function isSuccess(outcome: Outcome): boolean {
  return outcome.kind === 'ok' || outcome.kind === 'skipped';
}

/** A short human phrase for an outcome: "exit 3", "signal SIGKILL (core dumped)", ... */
export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'ok';
    case 'exit':
      return `exit ${outcome.code}`;
    case 'signal':
      return `signal ${outcome.signal}${outcome.core ? ' (core dumped)' : ''}`;
    case 'timeout':
      return `timed out after ${formatSeconds(outcome.afterMs)}${outcome.phase === 'connect' ? ' while connecting' : ''}`;
    case 'unreachable':
      return `unreachable (${outcome.stage}): ${outcome.message}`;
    case 'canceled':
      return 'canceled';
    case 'no-status':
      return 'ended without an exit status';
    case 'skipped':
      return `skipped: ${outcome.reason}`;
    case 'error':
      return outcome.message;
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}
