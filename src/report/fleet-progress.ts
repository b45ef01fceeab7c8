import { isSuccess, type Outcome } from '../outcome/outcome.js';
import type { LiveLine } from './live-line.js';

/** What a progress line listens to: it fits a FleetReporter and a TransferReporter alike. */
export interface ProgressReporter {
  onHostStart(): void;
  onHostEnd(result: { readonly outcome: Outcome }): void;
  onRunEnd(): void;
}

/**
 * Keeps a live "done/total verb, failed, [detail, ]elapsed" line up to date while hosts finish.
 * `detail` adds what only the caller counts (bytes and rate for a transfer).
 */
export function fleetProgress(
  live: LiveLine,
  total: number,
  verb = 'done',
  detail?: () => string,
): ProgressReporter {
  const started = performance.now();
  let done = 0;
  let failed = 0;
  let timer: NodeJS.Timeout | undefined;
  const text = () =>
    `${done}/${total} ${verb}${failed ? `, ${failed} failed` : ''}${detail ? `, ${detail()}` : ''}, ${((performance.now() - started) / 1000).toFixed(1)}s`;
  return {
    onHostStart() {
      // Redrawn on a clock, not on every event (bytes arrive thousands of times a second), and
      // unref'd so that it never holds the process up.
      timer ??= setInterval(() => live.draw(text()), 250).unref();
    },
    onHostEnd(result) {
      done++;
      if (!isSuccess(result.outcome)) failed++;
      live.draw(text());
    },
    onRunEnd() {
      clearInterval(timer);
      live.clear();
    },
  };
}
