import { quoteShellWord } from '../transport/shell-quote.js';
import type { HostFigures } from './check-record.js';
import { parseKeyValues, parseNumbers } from './key-values.js';

/**
 * The probe: one POSIX sh run per host that prints `key=value` lines. It reads /proc and df
 * rather than running top or free, whose output differs between distributions. The home
 * folder is not entered by the wrapper (a missing home would end the probe with nothing
 * measured); the script measures the file system of the nearest existing folder instead and
 * says that home is missing.
 *
 * Each --check runs in the home folder (when it exists) with no input; its exit status and
 * the start of its output come back as `checkN=STATUS OUTPUT`.
 *
 * Arguments: $1 the home folder ('' for the login's), then one argument per check.
 */
const PROBE = `
home=$1; shift
d=\${home:-$HOME}
echo "hostname=$(hostname 2>/dev/null || uname -n)"
echo "kernel=$(uname -sr)"
echo "cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"
[ -r /proc/loadavg ] && read l1 l5 l15 _ </proc/loadavg && echo "load=$l1 $l5 $l15"
[ -r /proc/meminfo ] && awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} /^MemFree:/{f=$2}
  /^Buffers:/{b=$2} /^Cached:/{c=$2} END{if (a == "") a = f + b + c; print "mem_kb=" t " " a}' /proc/meminfo
if [ -d "$d" ]; then echo home_exists=1; echo "home=$(cd "$d" && pwd)"; else echo home_exists=0; echo "home=$d"; fi
p=$d
while [ ! -d "$p" ]; do p=$(dirname "$p"); done
df -Pk "$p" 2>/dev/null | awk 'NR == 2 {print "disk_kb=" $4 " " $2}'
n=0
out=\${TMPDIR:-/tmp}/lwt-probe-$$
# A check that outlives the deadline gets the probe stopped (TERM from the wrapper): its
# output file goes then too.
trap 'rm -f "$out"' EXIT
trap 'exit 143' HUP INT TERM
for c in "$@"; do
  n=$((n + 1))
  (cd "$d" 2>/dev/null; exec \${SHELL:-/bin/sh} -c "$c") </dev/null >"$out" 2>&1
  echo "check$n=$? $(head -c 300 "$out" | tr '\\n\\t\\r' '   ')"
done
rm -f "$out"
exit 0
`.trim();

/** The command line that runs the probe (under the transport's wrapper). */
export function buildProbeCommand(home: string | undefined, checks: readonly string[]): string {
  const args = [home ?? '', ...checks].map(quoteShellWord).join(' ');
  return `sh -c ${quoteShellWord(PROBE)} lwt-probe ${args}`;
}

/** How one --check ended on a host. */
export interface CheckResult {
  readonly command: string;
  /** The exit status; 0 passes; -1 when it never reported (see `output`). */
  readonly status: number;
  /** The first 300 bytes of what it printed, on one line. */
  readonly output: string;
}

export interface ProbeReport {
  readonly figures: HostFigures;
  readonly checks: readonly CheckResult[];
}

/** Reads the probe's output; a figure that is missing or garbled is left out, never guessed. */
export function parseProbeOutput(
  stdout: string,
  checks: readonly string[],
  /** What a check that never reported did; the probe was cut short. */
  missing = 'did not run',
): ProbeReport {
  const values = parseKeyValues(stdout);
  const cores = parseNumbers(values.get('cores'), 1)?.[0];
  const load = parseNumbers(values.get('load'), 3);
  const mem = parseNumbers(values.get('mem_kb'), 2);
  const disk = parseNumbers(values.get('disk_kb'), 2);
  const homeExists = values.get('home_exists');
  const figures: HostFigures = {
    ...(values.get('hostname') && { hostname: values.get('hostname') }),
    ...(values.get('kernel') && { kernel: values.get('kernel') }),
    ...(cores !== undefined && cores >= 1 && { cores }),
    ...(load && { load: [load[0], load[1], load[2]] as [number, number, number] }),
    ...(mem && { memTotalBytes: mem[0]! * 1024, memAvailableBytes: mem[1]! * 1024 }),
    ...(values.get('home') && { home: values.get('home') }),
    ...(homeExists !== undefined && { homeExists: homeExists === '1' }),
    ...(disk && { diskFreeBytes: disk[0]! * 1024, diskTotalBytes: disk[1]! * 1024 }),
  };
  return {
    figures,
    checks: readChecks(checks, values, missing),
  };
}

/** Checks run one after another: the first without a line is the one cut short. */
function readChecks(
  checks: readonly string[],
  values: Map<string, string>,
  missing: string,
): CheckResult[] {
  let cut = false;
  return checks.map((command, i) => {
    const value = values.get(`check${i + 1}`);
    if (value !== undefined) return readCheck(command, value);
    const output = cut ? 'did not run' : missing;
    cut = true;
    return { command, status: -1, output };
  });
}

function readCheck(command: string, value: string): CheckResult {
  const match = /^(\d+)\s?(.*)$/.exec(value);
  if (!match) return { command, status: -1, output: `reported no status (${value})` };
  return { command, status: Number(match[1]), output: (match[2] ?? '').trim() };
}
