import type { Outcome } from './outcome.js';

/** The process exit codes of every lwt command; documented in the README. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  timeout: 3,
  unreachable: 4,
  interrupted: 130,
  /** Whoever read lwt's output stopped reading (`lwt exec ... | head`): SIGPIPE's 128 + 13. */
  brokenPipe: 141,
  terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What stopped a run from outside, when something did. */
export type Interruption = 'SIGINT' | 'SIGTERM' | 'SIGPIPE';

/**
 * The one place that turns a run's outcomes into lwt's exit code. A run interrupted by Ctrl-C
 * is 130 (SIGTERM: 143; its output's reader gone: 141) whatever else happened; otherwise the
 * most serious of failed (1), timed out (3) and unreachable (4) wins, so a script can tell "the
 * fleet is broken" from "the command failed".
 */
export function exitCodeFor(
  outcomes: Iterable<Outcome>,
  options: { interruptedBy?: Interruption } = {},
): ExitCodeValue {
  // 128 + the signal number, as a shell reports a command it stopped that way.
  if (options.interruptedBy === 'SIGINT') return ExitCode.interrupted;
  if (options.interruptedBy === 'SIGTERM') return ExitCode.terminated;
  if (options.interruptedBy === 'SIGPIPE') return ExitCode.brokenPipe;
  let worst: ExitCodeValue = ExitCode.ok;
  for (const outcome of outcomes) {
    const code = severity(outcome);
    if (code > worst) worst = code;
  }
  return worst;
}

function severity(outcome: Outcome): ExitCodeValue {
  switch (outcome.kind) {
    case 'ok':
    case 'skipped':
      return ExitCode.ok;
    case 'exit':
    case 'signal':
    case 'no-status':
    case 'canceled':
    case 'error':
      return ExitCode.failed;
    case 'timeout':
      return ExitCode.timeout;
    case 'unreachable':
      return ExitCode.unreachable;
  }
}

/**
 * clush -S / pdsh -S: the largest remote exit code, or 255 when any command did not run to
 * completion (signal, timeout, unreachable, no status, canceled, a transfer error).
 */
export function maxRemoteExitCode(outcomes: Iterable<Outcome>): number {
  let max = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'ok' || outcome.kind === 'skipped') continue;
    if (outcome.kind === 'exit') max = Math.max(max, outcome.code);
    else return 255;
  }
  return max;
}
