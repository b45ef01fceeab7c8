import type { FleetReporter, HostResult } from '../fleet/events.js';
import { outcomeToJson } from './outcome-json.js';

/**
 * `--json`: one object a line per host as it ends, nothing else on stdout. A stable format
 * (fields are only ever added): {host, user, port, outcome: {kind, ...}, stdout, stderr,
 * startedAt, durationMs, stdoutBytes, stderrBytes, stdoutTruncated, stderrTruncated}; stdout
 * and stderr hold at most --max-output bytes each, the *Bytes fields how much there was.
 */
export function fleetJsonLines(stdout: NodeJS.WritableStream): FleetReporter {
  return {
    onHostEnd(result) {
      // Two writes: a line of megabytes is not copied once more to add its newline.
      stdout.write(JSON.stringify(hostResultToJson(result)));
      stdout.write('\n');
    },
  };
}

export function hostResultToJson(result: HostResult): Record<string, unknown> {
  return {
    host: result.name,
    user: result.user,
    port: result.port,
    outcome: outcomeToJson(result.outcome),
    stdout: result.stdout,
    stderr: result.stderr,
    startedAt: result.startedAt.toISOString(),
    durationMs: Math.round(result.durationMs),
    stdoutBytes: result.stdoutBytes,
    stderrBytes: result.stderrBytes,
    stdoutTruncated: result.stdoutTruncated,
    stderrTruncated: result.stderrTruncated,
  };
}
