import { quoteShellWord } from '../transport/shell-quote.js';
import { parseKeyValues, parseNumbers } from './key-values.js';

/**
 * LWT's monitor, in one `ps` snapshot per host. The sums are made on the host by awk: LWT's
 * monitor.pl copied whole `ps aux` tables back and that transfer was its bottleneck. The probe's
 * own session (this sh, ps, awk) is left out of the figures. Users are compared by uid, since ps
 * cuts long user names.
 */
const STAT = `
me=$(id -u)
echo "user=$(id -un)"
echo "cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"
[ -r /proc/meminfo ] && awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} /^MemFree:/{f=$2}
  /^Buffers:/{b=$2} /^Cached:/{c=$2} END{if (a == "") a = f + b + c; print "mem_kb=" t " " a}' /proc/meminfo
mysid=$(ps -o sid= -p $$ | tr -d ' ')
ps -eo sid=,uid=,pcpu=,rss= | awk -v me="$me" -v mysid="$mysid" '
  $1 != mysid { n++; c += $3; r += $4; if ($2 == me) { un++; uc += $3; ur += $4 } }
  END { printf "all=%d %.1f %d\\nmine=%d %.1f %d\\n", n, c, r, un, uc, ur }'
`.trim();

/** The command line of the snapshot. */
export function buildStatCommand(): string {
  return `sh -c ${quoteShellWord(STAT)} lwt-stat`;
}

/** Processes' totals: how many, ps %CPU summed (100 = one core busy), resident memory. */
export interface ProcessTotals {
  readonly processes: number;
  readonly cpuPercent: number;
  readonly rssBytes: number;
}

/** One host's snapshot. */
export interface HostStats {
  readonly cores?: number;
  /** MemTotal - MemAvailable. */
  readonly memUsedBytes?: number;
  readonly memTotalBytes?: number;
  readonly all: ProcessTotals;
  /** The login lwt connected as. */
  readonly user: string;
  readonly mine: ProcessTotals;
}

/** Reads a snapshot; undefined when the process totals are missing (no ps, no awk). */
export function parseStatOutput(stdout: string): HostStats | undefined {
  const values = parseKeyValues(stdout);
  const all = totals(values.get('all'));
  const mine = totals(values.get('mine'));
  if (!all || !mine) return undefined;
  const cores = parseNumbers(values.get('cores'), 1)?.[0];
  const mem = parseNumbers(values.get('mem_kb'), 2);
  return {
    ...(cores !== undefined && cores >= 1 && { cores }),
    ...(mem && { memTotalBytes: mem[0]! * 1024, memUsedBytes: (mem[0]! - mem[1]!) * 1024 }),
    all,
    user: values.get('user') ?? '?',
    mine,
  };
}

function totals(value: string | undefined): ProcessTotals | undefined {
  const numbers = parseNumbers(value, 3);
  if (!numbers) return undefined;
  const [processes, cpuPercent, rssKb] = numbers as [number, number, number];
  return { processes, cpuPercent, rssBytes: rssKb * 1024 };
}

/**
 * Busiest first: by CPU over the host's cores (so one busy core of two outranks one of
 * sixteen), then by memory used. Hosts without a snapshot go last, in the order given.
 */
export function compareBusiest(a: HostStats | undefined, b: HostStats | undefined): number {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);
  const load = (s: HostStats) => s.all.cpuPercent / (s.cores ?? 1);
  return load(b) - load(a) || (b.memUsedBytes ?? 0) - (a.memUsedBytes ?? 0);
}
