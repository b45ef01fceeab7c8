/** "0 B", "4.0 KB", "10.5 MB", "1.20 GB": decimal units, as rates are usually given. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = '';
  for (const u of units) {
    value /= 1000;
    unit = u;
    if (value < 1000) break;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${unit}`;
}

/** Bytes over milliseconds as "12.3 MB/s" ("-" when no time passed). */
export function formatRate(bytes: number, ms: number): string {
  return ms > 0 ? `${formatBytes((bytes * 1000) / ms)}/s` : '-';
}
