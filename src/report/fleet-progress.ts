import type { FleetReporter } from '../fleet/events.js';
import { isSuccess } from '../outcome/outcome.js';
import type { LiveLine } from './live-line.js';

/** Keeps a live "done/total, failed, elapsed" line up to date while hosts finish. */
export function fleetProgress(live: LiveLine, total: number, verb = 'done'): FleetReporter {
  const started = performance.now();
  let done = 0;
  let failed = 0;
  let timer: NodeJS.Timeout | undefined;
  const text = () =>
    `${done}/${total} ${verb}${failed ? `, ${failed} failed` : ''}, ${((performance.now() - started) / 1000).toFixed(1)}s`;
  return {
    onHostStart() {
      // The clock keeps moving while hosts are slow; unref so it never holds the process up.
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
