import { quoteShellWord } from '../transport/shell-quote.js';
import { parseKeyValues, parseNumbers } from './key-values.js';

/**
 * LWT's monitor, in one snapshot per host. The sums are made on the host by awk: LWT's
 * monitor.pl copied whole `ps aux` tables back and that transfer was its bottleneck. The probe's
 * own session (this sh, ps, awk) is left out of the figures. Users are compared by uid, since ps
 * cuts long user names.
 *
 * CPU% is measured over half a second from /proc/<pid>/stat (utime + stime), not taken from ps:
 * ps's %CPU is each process's average over its whole life, so a host that was busy an hour ago
 * still looked busy (and the sum could pass 100 x cores). Without /proc, ps's figure is used.
 */
const STAT = `
me=$(id -u)
echo "user=$(id -un)"
echo "cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"
[ -r /proc/meminfo ] && awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} /^MemFree:/{f=$2}
  /^Buffers:/{b=$2} /^Cached:/{c=$2} END{if (a == "") a = f + b + c; print "mem_kb=" t " " a}' /proc/meminfo
mysid=$(ps -o sid= -p $$ | tr -d ' ')
# pid and CPU ticks of every process; cat skips a process that ends while we read.
ticks() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk '{ l = $0; sub(/^.*\\) /, "", l); split(l, f, " ")
    print $1, f[12] + f[13] }'
}
if [ -r /proc/uptime ] && dir=$(mktemp -d 2>/dev/null); then
  trap 'rm -rf "$dir"' EXIT
  u1=$(cut -d' ' -f1 /proc/uptime); ticks >"$dir/1"
  sleep 0.5 2>/dev/null || sleep 1
  u2=$(cut -d' ' -f1 /proc/uptime); ticks >"$dir/2"
  hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
  ps -eo pid=,sid=,uid=,rss= | awk -v me="$me" -v mysid="$mysid" -v hz="$hz" -v dt="$(echo "$u1 $u2" | awk '{ print $2 - $1 }')" '
    FILENAME != "-" && FNR == 1 { file++ }
    FILENAME != "-" { if (file == 1) a[$1] = $2; else b[$1] = $2; next }
    $2 != mysid { cpu = ($1 in b) ? (b[$1] - a[$1]) / hz / (dt > 0 ? dt : 1) * 100 : 0
      if (cpu < 0) cpu = 0
      n++; c += cpu; r += $4; if ($3 == me) { un++; uc += cpu; ur += $4 } }
    END { printf "all=%d %.1f %d\\nmine=%d %.1f %d\\n", n, c, r, un, uc, ur }' "$dir/1" "$dir/2" -
else
  ps -eo sid=,uid=,pcpu=,rss= | awk -v me="$me" -v mysid="$mysid" '
    $1 != mysid { n++; c += $3; r += $4; if ($2 == me) { un++; uc += $3; ur += $4 } }
    END { printf "all=%d %.1f %d\\nmine=%d %.1f %d\\n", n, c, r, un, uc, ur }'
fi
`.trim();

/** The command line of the snapshot. */
export function buildStatCommand(): string {
  return `sh -c ${quoteShellWord(STAT)} lwt-stat`;
}

/** Processes' totals: how many, %CPU over the sample summed (100 = one core busy), resident memory. */
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
