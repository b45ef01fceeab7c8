import type { FleetReporter, FleetResult, HostResult } from '../fleet/events.js';
import { foldHostNames } from '../hosts/index.js';
import { describeOutcome, isSuccess } from '../outcome/outcome.js';
import { countByKind, formatCounts } from './counts.js';

/**
 * The summary on stderr at the end of a fleet command: counts per outcome, then the hosts that
 * did not succeed, grouped by what happened ("web[03,07]: timed out after 5.0s").
 */
export function fleetSummary(stderr: NodeJS.WritableStream, command = 'exec'): FleetReporter {
  return {
    onRunEnd(fleet: FleetResult) {
      const n = fleet.results.length;
      const counts = countByKind(fleet.results.map((r) => r.outcome));
      const seconds = (fleet.durationMs / 1000).toFixed(1);
      const stopped = fleet.interrupted ? ', interrupted' : '';
      stderr.write(
        `lwt ${command}: ${formatCounts(counts)} (${n} host${n === 1 ? '' : 's'} in ${seconds}s${stopped})\n`,
      );
      const byReason = new Map<string, HostResult[]>();
      for (const result of fleet.results) {
        if (isSuccess(result.outcome)) continue;
        const reason = describeOutcome(result.outcome);
        byReason.set(reason, [...(byReason.get(reason) ?? []), result]);
      }
      for (const [reason, results] of byReason) {
        stderr.write(`  ${foldHostNames(results.map((r) => r.name))}: ${reason}\n`);
      }
    },
  };
}
