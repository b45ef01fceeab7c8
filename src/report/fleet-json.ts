import type { FleetReporter, HostResult } from '../fleet/events.js';
import { outcomeToJson } from './outcome-json.js';

/**
 * `--json`: one object a line per host as it ends, nothing else on stdout. A stable format:
 * {host, user, port, outcome: {kind, ...}, stdout, stderr, startedAt, durationMs}.
 */
export function fleetJsonLines(stdout: NodeJS.WritableStream): FleetReporter {
  return {
    onHostEnd(result) {
      stdout.write(JSON.stringify(hostResultToJson(result)) + '\n');
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
  };
}
