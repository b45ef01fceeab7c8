import type { HostFigures, ThresholdFailure } from './check-record.js';
import type { CheckResult } from './probe-script.js';
import { formatBytes, formatRate } from './units.js';

/** What makes a host available; every threshold left out is not checked. */
export interface Thresholds {
  /** The 1-minute load average divided by the cores may be at most this. */
  readonly maxLoadPerCore?: number;
  readonly minFreeDiskBytes?: number;
  readonly minPutBytesPerSecond?: number;
  readonly minGetBytesPerSecond?: number;
  /** Commands that must exit 0 on the host (in its home folder). */
  readonly checks: readonly string[];
}

/** Whether the rates are needed: --bandwidth, or a rate threshold that implies it. */
export function needsBandwidth(thresholds: Thresholds): boolean {
  return (
    thresholds.minPutBytesPerSecond !== undefined || thresholds.minGetBytesPerSecond !== undefined
  );
}

/**
 * Every threshold the host fails, in a fixed order; none means available. Pure: the figures
 * were measured before. A threshold whose figure is unknown fails, because a host that cannot
 * show it is within a limit has not shown it. A missing home folder always fails: every
 * command would refuse to run there. `bandwidthError` is why the transfer test did not finish.
 */
export function evaluateThresholds(
  figures: HostFigures,
  checks: readonly CheckResult[],
  thresholds: Thresholds,
  bandwidthError?: string,
): ThresholdFailure[] {
  const failed: ThresholdFailure[] = [];
  if (figures.homeExists === false) {
    failed.push({
      threshold: 'home',
      message: `home ${figures.home ?? '?'} does not exist (lwt hosts deploy creates it)`,
    });
  }
  const maxLoad = thresholds.maxLoadPerCore;
  if (maxLoad !== undefined) {
    const load1 = figures.load?.[0];
    if (load1 === undefined || figures.cores === undefined) {
      failed.push({ threshold: 'max-load', message: 'load or cores unknown (no /proc/loadavg?)' });
    } else if (load1 / figures.cores > maxLoad) {
      const perCore = (load1 / figures.cores).toFixed(2);
      failed.push({
        threshold: 'max-load',
        message: `load ${perCore} per core (${load1.toFixed(2)} on ${figures.cores}) > ${maxLoad}`,
      });
    }
  }
  const minDisk = thresholds.minFreeDiskBytes;
  if (minDisk !== undefined) {
    const free = figures.diskFreeBytes;
    if (free === undefined) {
      failed.push({ threshold: 'min-free-disk', message: 'free disk unknown (df failed)' });
    } else if (free < minDisk) {
      failed.push({
        threshold: 'min-free-disk',
        message: `free disk ${formatBytes(free)} < ${formatBytes(minDisk)}`,
      });
    }
  }
  if (bandwidthError !== undefined) {
    failed.push({ threshold: 'bandwidth', message: `transfer test failed: ${bandwidthError}` });
  } else {
    failed.push(
      ...rateFailure(
        'min-put-rate',
        'put',
        figures.putBytesPerSecond,
        thresholds.minPutBytesPerSecond,
      ),
      ...rateFailure(
        'min-get-rate',
        'get',
        figures.getBytesPerSecond,
        thresholds.minGetBytesPerSecond,
      ),
    );
  }
  for (const check of checks) {
    if (check.status === 0) continue;
    const how = check.status < 0 ? check.output : `exited ${check.status}`;
    const said = check.output !== '' && check.status >= 0 ? `: ${check.output}` : '';
    failed.push({ threshold: 'check', message: `check '${check.command}' ${how}${said}` });
  }
  return failed;
}

function rateFailure(
  threshold: 'min-put-rate' | 'min-get-rate',
  verb: string,
  rate: number | undefined,
  min: number | undefined,
): ThresholdFailure[] {
  if (min === undefined) return [];
  if (rate === undefined) return [{ threshold, message: `${verb} rate unknown` }];
  if (rate >= min) return [];
  return [{ threshold, message: `${verb} rate ${formatRate(rate)} < ${formatRate(min)}` }];
}
