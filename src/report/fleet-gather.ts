import type { FleetReporter, HostResult } from '../fleet/events.js';
import { foldHostNames } from '../hosts/index.js';
import { describeOutcome } from '../outcome/outcome.js';
import { formatBytes } from './format-bytes.js';
import { prefixLines, withFinalNewline, type OutputStreams } from './text.js';

/**
 * `-b/--gather` (clush -b): at the end, each distinct (outcome, stdout, stderr) once, under
 * the folded list of hosts that produced it, largest group first. 200 identical answers
 * become one block. Output longer than --max-output is shown as far as it was kept, with a
 * line that says how much there was.
 */
export function fleetGather(streams: OutputStreams): FleetReporter {
  return {
    onRunEnd(fleet) {
      for (const group of groupIdentical(fleet.results)) {
        const names = foldHostNames(group.map((r) => r.name));
        const first = group[0] as HostResult;
        const status = first.outcome.kind === 'ok' ? '' : ` ${describeOutcome(first.outcome)}`;
        const title = `${names} (${group.length})${status}`;
        const rule = '-'.repeat(15);
        streams.stdout.write(`${rule}\n${title}\n${rule}\n`);
        streams.stdout.write(withFinalNewline(first.stdout));
        if (first.stdoutTruncated) streams.stdout.write(cutNote('stdout', first.stdoutBytes));
        if (first.stderr) streams.stdout.write(prefixLines(first.stderr, 'stderr: '));
        if (first.stderrTruncated) streams.stdout.write(cutNote('stderr', first.stderrBytes));
      }
    },
  };
}

function cutNote(stream: string, bytes: number): string {
  return `lwt: ${stream} cut here: it printed ${formatBytes(bytes)} (${bytes} bytes); --max-output sets how much is kept\n`;
}

/** Results grouped by identical outcome and output, largest group first. */
export function groupIdentical(results: readonly HostResult[]): HostResult[][] {
  const groups = new Map<string, HostResult[]>();
  for (const result of results) {
    const key = JSON.stringify([
      result.outcome,
      result.stdout,
      result.stderr,
      result.stdoutBytes,
      result.stderrBytes,
    ]);
    const group = groups.get(key);
    if (group) group.push(result);
    else groups.set(key, [result]);
  }
  return [...groups.values()].sort((a, b) => b.length - a.length);
}
