import { describe, expect, it } from 'vitest';
import type { HostFigures } from '../../src/health/check-record.js';
import type { CheckResult } from '../../src/health/probe-script.js';
import {
  evaluateThresholds,
  needsBandwidth,
  type Thresholds,
} from '../../src/health/thresholds.js';

const G = 1024 ** 3;
const M = 1024 ** 2;
const healthy: HostFigures = {
  cores: 4,
  load: [2, 1, 0.5],
  home: '/home/lwt',
  homeExists: true,
  diskFreeBytes: 10 * G,
  putBytesPerSecond: 50 * M,
  getBytesPerSecond: 80 * M,
};
const none: Thresholds = { checks: [] };
const failedOf = (
  figures: HostFigures,
  thresholds: Partial<Thresholds>,
  checks: CheckResult[] = [],
  bandwidthError?: string,
) =>
  evaluateThresholds(figures, checks, { ...none, ...thresholds }, bandwidthError).map(
    (f) => `${f.threshold}: ${f.message}`,
  );

describe('thresholds', () => {
  it('passes a host within every limit, and one with no limits at all', () => {
    expect(
      failedOf(healthy, {
        maxLoadPerCore: 0.5,
        minFreeDiskBytes: 10 * G,
        minPutBytesPerSecond: 50 * M,
        minGetBytesPerSecond: 80 * M,
      }),
    ).toEqual([]);
    expect(failedOf({}, {})).toEqual([]);
  });

  it('compares load per core, not the raw load', () => {
    // 2 on 4 cores is 0.5 per core: within 0.5, over 0.49.
    expect(failedOf(healthy, { maxLoadPerCore: 0.49 })).toEqual([
      'max-load: load 0.50 per core (2.00 on 4) > 0.49',
    ]);
    expect(failedOf({ ...healthy, load: [0.01, 0, 0] }, { maxLoadPerCore: 0 })).toEqual([
      'max-load: load 0.00 per core (0.01 on 4) > 0',
    ]);
    expect(failedOf({ ...healthy, load: [0, 0, 0] }, { maxLoadPerCore: 0 })).toEqual([]);
  });

  it('fails a threshold whose figure the host could not give', () => {
    expect(
      failedOf(
        { homeExists: true },
        {
          maxLoadPerCore: 1,
          minFreeDiskBytes: 1,
          minPutBytesPerSecond: 1,
          minGetBytesPerSecond: 1,
        },
      ),
    ).toEqual([
      'max-load: load or cores unknown (no /proc/loadavg?)',
      'min-free-disk: free disk unknown (df failed)',
      'min-put-rate: put rate unknown',
      'min-get-rate: get rate unknown',
    ]);
  });

  it('names each failed limit with its figure, in a fixed order', () => {
    expect(
      failedOf(
        { ...healthy, homeExists: false, diskFreeBytes: 1.5 * G },
        {
          maxLoadPerCore: 0.1,
          minFreeDiskBytes: 2 * G,
          minPutBytesPerSecond: 100 * M,
          minGetBytesPerSecond: 10 * M,
        },
        [
          { command: 'true', status: 0, output: '' },
          { command: 'test -w /scratch', status: 1, output: '' },
          { command: 'check-gpu', status: 3, output: 'no GPU found' },
          { command: 'sleep 100', status: -1, output: 'did not finish within 10.0s' },
          { command: 'late', status: -1, output: 'did not run' },
        ],
      ),
    ).toEqual([
      'home: home /home/lwt does not exist (lwt hosts deploy creates it)',
      'max-load: load 0.50 per core (2.00 on 4) > 0.1',
      'min-free-disk: free disk 1.5G < 2.0G',
      'min-put-rate: put rate 50.0M/s < 100M/s',
      "check: check 'test -w /scratch' exited 1",
      "check: check 'check-gpu' exited 3: no GPU found",
      "check: check 'sleep 100' did not finish within 10.0s",
      "check: check 'late' did not run",
    ]);
  });

  it('reports a transfer test that broke instead of two unknown rates', () => {
    expect(failedOf(healthy, { minPutBytesPerSecond: 1 }, [], 'not done within 3.0s')).toEqual([
      'bandwidth: transfer test failed: not done within 3.0s',
    ]);
  });

  it('needs the transfer test only for a rate threshold', () => {
    expect(needsBandwidth(none)).toBe(false);
    expect(needsBandwidth({ ...none, maxLoadPerCore: 1, minFreeDiskBytes: 1 })).toBe(false);
    expect(needsBandwidth({ ...none, minPutBytesPerSecond: 1 })).toBe(true);
    expect(needsBandwidth({ ...none, minGetBytesPerSecond: 1 })).toBe(true);
  });
});
