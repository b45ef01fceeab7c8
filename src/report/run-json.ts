import type { RunReporter } from '../run/events.js';
import { outcomeToJson } from './outcome-json.js';

/** `lwt run --json`: one object a line per command as it ends, and nothing else on stdout. */
export function runJsonLines(stdout: NodeJS.WritableStream): RunReporter {
  return {
    onCommandEnd(result) {
      const line = {
        number: result.number,
        command: result.command,
        outcome: outcomeToJson(result.outcome),
        stdout: result.stdout,
        stderr: result.stderr,
        startedAt: result.startedAt.toISOString(),
        durationMs: Math.round(result.durationMs),
      };
      stdout.write(JSON.stringify(line) + '\n');
    },
  };
}
