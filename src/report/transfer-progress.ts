import type { LiveLine } from './live-line.js';
import { fleetProgress } from './fleet-progress.js';
import type { TransferReporter } from '../fleet/transfer-events.js';
import { formatBytes, formatRate } from './format-bytes.js';

/**
 * The live line on a terminal: "3/10 hosts done, 1 failed, 24.5 MB at 61.2 MB/s, 0.4s". Only
 * used when stderr is a terminal; off one it would be noise in logs.
 */
export function transferProgress(live: LiveLine, total: number): TransferReporter {
  const started = performance.now();
  let bytes = 0;
  const detail = () => `${formatBytes(bytes)} at ${formatRate(bytes, performance.now() - started)}`;
  return {
    ...fleetProgress(live, total, 'hosts done', detail),
    onBytes(_host, n) {
      bytes += n;
    },
  };
}
