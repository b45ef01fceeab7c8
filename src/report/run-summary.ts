import { describeOutcome, isSuccess } from '../outcome/outcome.js';
import type { RunReporter, RunSummary } from '../run/events.js';
import { countByKind, formatCounts } from './counts.js';

/** How many failed commands the summary names before it says "and N more". */
const LISTED = 10;

/**
 * The summary of `lwt run` on stderr: counts per outcome and the wall time, then the commands
 * that did not succeed, so a failure is never only a number.
 */
export function runSummaryLine(stderr: NodeJS.WritableStream): RunReporter {
  return {
    onRunEnd(summary: RunSummary) {
      const n = summary.results.length;
      if (n === 0 && !summary.interrupted) {
        stderr.write('lwt run: no commands\n');
        return;
      }
      const counts = countByKind(summary.results.map((r) => r.outcome));
      const seconds = (summary.durationMs / 1000).toFixed(1);
      const stopped = summary.interrupted ? ', interrupted' : '';
      stderr.write(
        `lwt run: ${formatCounts(counts)} (${n} command${n === 1 ? '' : 's'} in ${seconds}s${stopped})\n`,
      );
      const failed = summary.results
        .filter((r) => !isSuccess(r.outcome))
        .sort((a, b) => a.number - b.number);
      for (const r of failed.slice(0, LISTED)) {
        stderr.write(`  #${r.number} ${describeOutcome(r.outcome)}: ${r.command}\n`);
      }
      if (failed.length > LISTED) stderr.write(`  ... and ${failed.length - LISTED} more\n`);
    },
  };
}
