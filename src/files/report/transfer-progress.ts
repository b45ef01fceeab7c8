import { isSuccess } from '../../outcome/outcome.js';
import type { LiveLine } from '../../report/live-line.js';
import type { TransferReporter } from '../transfer-events.js';
import { formatBytes, formatRate } from './format-bytes.js';

/**
 * The live line on a terminal: "3/10 hosts done, 1 failed, 24.5 MB at 61.2 MB/s, 0.4s". Only
 * used when stderr is a terminal; off one it would be noise in logs.
 */
export function transferProgress(live: LiveLine, total: number): TransferReporter {
  const started = performance.now();
  let done = 0;
  let failed = 0;
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const text = () => {
    const ms = performance.now() - started;
    return `${done}/${total} hosts done${failed ? `, ${failed} failed` : ''}, ${formatBytes(bytes)} at ${formatRate(bytes, ms)}, ${(ms / 1000).toFixed(1)}s`;
  };
  return {
    onHostStart() {
      // Redrawn on a clock rather than on each chunk: bytes arrive thousands of times a second.
      timer ??= setInterval(() => live.draw(text()), 250).unref();
    },
    onBytes(_host, n) {
      bytes += n;
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
