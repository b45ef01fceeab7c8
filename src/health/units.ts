import { UsageError } from '../usage-error.js';

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};
const DURATION_UNITS: Record<string, number> = {
  '': 1000,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A size as df -h and users write it: "512K", "1.5G", "1M", or plain bytes. Powers of 1024, as
 * df and ls print them; "MB", "MiB" and "M" all mean the same. `name` is the flag, for the error.
 */
export function parseSize(value: unknown, name: string): number {
  const text = String(value).trim();
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text);
  const unit = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined) {
    throw new UsageError(`${name} must be a size like 500M, 2G or 1048576 (bytes), got '${text}'`);
  }
  return Math.round(Number(match[1]) * unit);
}

/** A duration: "90" or "90s" (seconds), "30m", "1h", "2d"; returned in milliseconds. */
export function parseDuration(value: unknown, name: string): number {
  const text = String(value).trim();
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(text);
  const unit = DURATION_UNITS[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined) {
    throw new UsageError(`${name} must be a duration like 90s, 30m, 1h or 2d, got '${text}'`);
  }
  return Math.round(Number(match[1]) * unit);
}

/** "1.5G", "512K", "900B": short, in powers of 1024 as df -h prints them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)}${units[unit]}`;
}

/** "12.3M/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** How long ago, coarsely: "40s", "12m", "3h", "2d". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}
