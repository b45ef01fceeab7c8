import { hostResultToJson } from './fleet-json.js';
import type { TransferReporter } from '../fleet/transfer-events.js';

/**
 * `--json`: one object a line per host as it ends, nothing else on stdout: exec's fields
 * (host, user, port, outcome, stdout, stderr, startedAt, durationMs) plus `files`:
 * {filesCopied, bytesCopied, filesSkipped, bytesSkipped}.
 */
export function transferJsonLines(stdout: NodeJS.WritableStream): TransferReporter {
  return {
    onHostEnd(result) {
      stdout.write(JSON.stringify({ ...hostResultToJson(result), files: result.files }) + '\n');
    },
  };
}

/** Per-host lines off --json: "127.0.0.2: 12 files copied (48.0 KB), 3 unchanged". */
export function transferLines(stdout: NodeJS.WritableStream): TransferReporter {
  return {
    onHostEnd(result) {
      if (result.outcome.kind !== 'ok') return; // The summary lists the others, grouped.
      const f = result.files;
      stdout.write(
        `${result.name}: ${f.filesCopied} copied (${f.bytesCopied} bytes), ${f.filesSkipped} unchanged (${f.bytesSkipped} bytes)\n`,
      );
    },
  };
}
