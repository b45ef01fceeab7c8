#!/usr/bin/env bash
# The local-pool benchmark: COUNT `true` commands, JOBS at once, under `lwt run`, GNU parallel
# and xargs, one after the other on the same list. Prints wall time, time per job, client CPU,
# and how much faster lwt is (target: at least 1.8x GNU parallel's wall time).
#
#   bench/run.sh [COUNT] [JOBS] [ROUNDS]      defaults: 1000 2 1
#   BENCH_LWT=path/to/lwt bench/run.sh         another build of lwt (default: ./bin/lwt)
#
# With ROUNDS > 1 the tools take turns and each keeps its best round: other work on the machine
# only ever slows a round down, so the minimum is the least noisy figure.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/measure.sh

count=${1:-1000}
jobs=${2:-2}
rounds=${3:-1}

lwt=${BENCH_LWT:-./bin/lwt}
ensure_tool parallel parallel
[ -f dist/cli-bundle/entry.js ] || npm run build >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$count" 'BEGIN { for (i = 0; i < n; i++) print "true" }' >"$tmp/cmds"

load=$(cut -d' ' -f1-3 /proc/loadavg)
tools=(lwt parallel xargs)
declare -A wall cpu rc
for ((round = 1; round <= rounds; round++)); do
  for tool in "${tools[@]}"; do
    case $tool in
      lwt) measure lwt "$lwt" run -j "$jobs" "$tmp/cmds" ;;
      # --will-cite: the citation notice is not part of the work.
      parallel) measure parallel parallel --will-cite -j "$jobs" -a "$tmp/cmds" ;;
      xargs) measure xargs xargs -P "$jobs" -I{} -a "$tmp/cmds" sh -c {} ;;
    esac
    if [ -z "${wall[$tool]:-}" ] || at_most "$WALL" "${wall[$tool]}"; then
      wall[$tool]=$WALL cpu[$tool]=$CPU rc[$tool]=$RC
    fi
  done
done

echo "local pool: $count x 'true', $jobs at once, $(nproc) CPUs, best of $rounds," \
  "load average before: $load"
printf '%-10s %8s %8s %8s %8s\n' tool 'wall s' 'ms/job' 'CPU s' 'CPU ms/job'
for tool in "${tools[@]}"; do
  printf '%-10s %8s %8s %8s %8s%s\n' "$tool" "${wall[$tool]}" "$(ms_per "${wall[$tool]}" "$count")" \
    "${cpu[$tool]}" "$(ms_per "${cpu[$tool]}" "$count")" \
    "$([ "${rc[$tool]}" -eq 0 ] || echo "  (exit ${rc[$tool]})")"
done
speedup=$(ratio "${wall[parallel]}" "${wall[lwt]}")
verdict=$(at_most 1.8 "$speedup" && echo met || echo 'NOT met')
echo "parallel wall / lwt wall = $speedup (target >= 1.8: $verdict)"
echo "xargs wall / lwt wall    = $(ratio "${wall[xargs]}" "${wall[lwt]}")"
