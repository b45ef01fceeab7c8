import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatBytes,
  formatRate,
  parseDuration,
  parseSize,
} from '../../src/health/units.js';
import { UsageError } from '../../src/usage-error.js';

describe('sizes and durations as users write them', () => {
  it.each([
    ['1048576', 1_048_576],
    ['512K', 512 * 1024],
    ['1M', 1024 ** 2],
    ['1.5G', 1.5 * 1024 ** 3],
    ['2gb', 2 * 1024 ** 3],
    ['3MiB', 3 * 1024 ** 2],
    [' 10 m ', 10 * 1024 ** 2],
    [4096, 4096],
  ])('size %j is %d bytes', (text, bytes) => {
    expect(parseSize(text, '--min-free-disk')).toBe(bytes);
  });

  it.each(['', '5Q', '-1M', 'M', '1..5G', 'lots'])(
    'size %j is a usage error naming the flag',
    (text) => {
      expect(() => parseSize(text, '--min-free-disk')).toThrow(UsageError);
      expect(() => parseSize(text, '--min-free-disk')).toThrow(
        /^--min-free-disk must be a size like 500M, 2G or 1048576 \(bytes\), got '/,
      );
    },
  );

  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['0', 0],
    [45, 45_000],
  ])('duration %j is %d ms', (text, ms) => {
    expect(parseDuration(text, '--max-age')).toBe(ms);
  });

  it.each(['5x', '1w', 'h', '-1h', '1h30m', ''])('duration %j is a usage error', (text) => {
    expect(() => parseDuration(text, '--max-age')).toThrow(
      `--max-age must be a duration like 90s, 30m, 1h or 2d, got '${text}'`,
    );
  });

  it('formats bytes, rates and ages as the tables print them', () => {
    expect(
      [0, 900, 1024, 1536, 150 * 1024, 23.1 * 1024 ** 3, 5 * 1024 ** 5].map(formatBytes),
    ).toEqual(['0B', '900B', '1.0K', '1.5K', '150K', '23.1G', '5120T']);
    expect(formatRate(27.9 * 1024 ** 2)).toBe('27.9M/s');
    expect(
      [-5, 0, 40_000, 119_000, 120_000, 12 * 60_000, 3 * 3_600_000, 2 * 86_400_000].map(formatAge),
    ).toEqual(['0s', '0s', '40s', '119s', '2m', '12m', '3h', '2d']);
  });
});
