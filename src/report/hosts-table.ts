import type { CheckRecord, HistoryEntry, HostStatus } from '../health/check-record.js';
import type { HostStats } from '../health/stat-script.js';
import { formatAge, formatBytes, formatRate } from '../health/units.js';

/**
 * Aligned columns, two spaces apart, the last one unpadded. A column empty in every row is left
 * out (no PUT column when nobody measured rates), except the first two.
 */
export function formatTable(headers: readonly string[], rows: readonly string[][]): string {
  const keep = headers.map((_, c) => c < 2 || rows.some((row) => (row[c] ?? '') !== ''));
  const pick = (row: readonly string[]) => row.filter((_, c) => keep[c]);
  const all = [pick(headers), ...rows.map(pick)];
  const widths = all[0]!.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => line + '\n')
    .join('');
}

/** One candidate as `lwt hosts list` and `lwt hosts check` show it. */
export interface HostRow {
  readonly name: string;
  readonly record?: CheckRecord;
  readonly history?: readonly HistoryEntry[];
}

const MARKS: Record<HostStatus, string> = { available: '+', unhealthy: '-', unreachable: 'x' };

/**
 * The hosts table: status, how old it is (marked stale past max-age), the figures, the recent
 * history (oldest first, `+` available, `-` unhealthy, `x` unreachable), and why.
 */
export function renderHostsTable(
  rows: readonly HostRow[],
  options: { readonly now: Date; readonly maxAgeMs: number },
): string {
  const headers = ['HOST', 'STATUS', 'AGE', 'CONNECT', 'LOAD', 'CORES', 'MEM FREE', 'DISK FREE'];
  headers.push('PUT', 'GET', 'RECENT', 'WHY');
  return formatTable(
    headers,
    rows.map(({ name, record, history }) => {
      if (!record)
        return [name, 'unchecked', '', '', '', '', '', '', '', '', '', 'not checked yet'];
      const f = record.figures;
      const ageMs = options.now.getTime() - Date.parse(record.at);
      const age = formatAge(ageMs) + (ageMs > options.maxAgeMs ? ' (stale)' : '');
      const recent = [...(history ?? [])].reverse().map((h) => MARKS[h.status]);
      return [
        name,
        record.status,
        age,
        f.connectMs === undefined ? '' : `${f.connectMs}ms`,
        f.load ? f.load[0].toFixed(2) : '',
        f.cores === undefined ? '' : String(f.cores),
        f.memAvailableBytes === undefined ? '' : formatBytes(f.memAvailableBytes),
        f.diskFreeBytes === undefined ? '' : formatBytes(f.diskFreeBytes),
        f.putBytesPerSecond === undefined ? '' : formatRate(f.putBytesPerSecond),
        f.getBytesPerSecond === undefined ? '' : formatRate(f.getBytesPerSecond),
        [...recent, MARKS[record.status]].join(''),
        record.why,
      ];
    }),
  );
}

/** One host's snapshot row of `lwt hosts stat`, or why there is none. */
export interface StatRow {
  readonly name: string;
  readonly stats?: HostStats;
  readonly problem?: string;
}

/** `lwt hosts stat`: the host as a whole, then the connecting user's share. */
export function renderStatTable(rows: readonly StatRow[]): string {
  const headers = ['HOST', 'CPU%', 'CORES', 'MEM USED', 'PROCS', 'USER', 'USER CPU%'];
  headers.push('USER MEM', 'USER PROCS', 'PROBLEM');
  return formatTable(
    headers,
    rows.map(({ name, stats: s, problem }) => {
      if (!s) return [name, '', '', '', '', '', '', '', '', problem ?? 'no snapshot'];
      const used = s.memUsedBytes === undefined ? '' : formatBytes(s.memUsedBytes);
      const total = s.memTotalBytes === undefined ? '' : `/${formatBytes(s.memTotalBytes)}`;
      return [
        name,
        s.all.cpuPercent.toFixed(1),
        s.cores === undefined ? '' : String(s.cores),
        used + total,
        String(s.all.processes),
        s.user,
        s.mine.cpuPercent.toFixed(1),
        formatBytes(s.mine.rssBytes),
        String(s.mine.processes),
        '',
      ];
    }),
  );
}
