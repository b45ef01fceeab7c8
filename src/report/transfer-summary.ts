import { foldHostNames } from '../hosts/index.js';
import { describeOutcome, isSuccess } from '../outcome/outcome.js';
import { countByKind, formatCounts } from './counts.js';
import type { HostTransfer, TransferReporter } from '../fleet/transfer-events.js';
import { formatBytes, formatRate } from './format-bytes.js';

/**
 * The end-of-run lines on stderr: hosts by outcome, files and bytes copied and skipped, the
 * throughput; then each reason a host did not succeed, with its hosts folded. A transfer's
 * failure is described by its path and reason ("/opt/app: permission denied"), not "exit 1".
 */
export function transferSummary(stderr: NodeJS.WritableStream, command: string): TransferReporter {
  return {
    onRunEnd(run) {
      const n = run.results.length;
      const counts = formatCounts(countByKind(run.results.map((r) => r.outcome)));
      const f = run.files;
      const seconds = (run.durationMs / 1000).toFixed(1);
      const stopped = run.interrupted ? ', interrupted' : '';
      stderr.write(
        `lwt ${command}: ${counts} (${n} host${n === 1 ? '' : 's'} in ${seconds}s${stopped}); ` +
          `${f.filesCopied} file${f.filesCopied === 1 ? '' : 's'} copied (${formatBytes(f.bytesCopied)}, ` +
          `${formatRate(f.bytesCopied, run.durationMs)}), ${f.filesSkipped} unchanged (${formatBytes(f.bytesSkipped)})\n`,
      );
      const byReason = new Map<string, HostTransfer[]>();
      for (const result of run.results) {
        if (isSuccess(result.outcome) && result.outcome.kind !== 'skipped') continue;
        const reason = describeOutcome(result.outcome);
        byReason.set(reason, [...(byReason.get(reason) ?? []), result]);
      }
      for (const [reason, results] of byReason) {
        stderr.write(`  ${foldHostNames(results.map((r) => r.name))}: ${reason}\n`);
      }
    },
  };
}
