#!/usr/bin/env bash
# The output benchmark: hosts that print a lot, on a real OpenSSH fleet on loopback (one sshd,
# 127.0.1.144... by default), under lwt exec (line mode, -o DIR, --json), plain ssh, pdsh and
# clush, in one run. Everything goes to /dev/null; -o writes to tmpfs (/dev/shm) so that this
# VM's disk is not what is measured. For each tool: wall, CPU (user+sys of its process tree)
# and peak RSS (of its largest process, as GNU time reports it).
#
# Cases: 200 MB of short lines and 300 MB without a newline from one host, 20 MB from each of
# 10 hosts; then, for lwt's memory targets, 1 GB from one host and 100 MB from each of 10.
# Targets: line mode >= 3x faster than pdsh and <= 3x plain ssh's wall; -o <= 1.5x plain ssh's
# wall; lwt's peak RSS <= 200 MB for 1 GB from one host and for 100 MB from each of 10 hosts.
#
#   bench/output.sh                       every case
#   BENCH_CASES='lines nonl' bench/output.sh   some: lines nonl many big bigmany
#   BENCH_LWT=path/to/lwt bench/output.sh
#   BENCH_TOOL_TIMEOUT=300 bench/output.sh     a tool still running after this many seconds is
#                                              stopped and shown as such (pdsh and clush take
#                                              minutes on the long line)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/measure.sh

[ -x /usr/sbin/sshd ] || ensure_tool /usr/sbin/sshd openssh-server
ensure_tool pdsh pdsh
ensure_tool clush clustershell
[ -x /usr/bin/time ] || ensure_tool /usr/bin/time time
[ -f dist/testing/index.js ] || npm run build >/dev/null
lwt=${BENCH_LWT:-./bin/lwt}
cases=(${BENCH_CASES:-lines nonl many big bigmany})
limit=${BENCH_TOOL_TIMEOUT:-300}
# Away from the tests' 127.0.0.x and exec.sh's fleet, so that they can run at the same time.
export BENCH_FIRST_ADDRESS=${BENCH_FIRST_ADDRESS:-400}

outdir=/dev/shm/lwt-bench-output-$$
[ -d /dev/shm ] || outdir=$(mktemp -d)
cleanup() { rm -rf "$outdir"; }
trap cleanup EXIT

coproc FLEET { exec node bench/lib/fleet.mjs 10; }
fleet_in=${FLEET[1]}
read_fleet
first=${FLEET_ADDRESSES%%,*}
one=$(mktemp) && echo "$first" >"$one"

# timed NAME CMD...: runs CMD (output to /dev/null, a bound of $limit s) under GNU time; sets
# WALL, CPU (s), RSS (MB) and RC; RC 124 is a tool stopped at the bound.
timed() {
  local name=$1 out
  shift
  out=$(mktemp)
  set +e
  /usr/bin/time -o "$out" -f '%e %U %S %M' timeout -s KILL "$limit" "$@" >/dev/null 2>"$out.err"
  RC=$?
  set -e
  # time adds "Command terminated by signal 9" on a line of its own: the figures are the last.
  read -r WALL user sys rss < <(tail -n 1 "$out")
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  RSS=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
  if [ "$RC" -ne 0 ]; then
    [ "$RC" -eq 137 ] && RC=124
    echo "  $name exited $RC$([ "$RC" -eq 124 ] && echo " (stopped after ${limit}s)"); its stderr ends with:" >&2
    tail -n 2 "$out.err" | sed 's/^/    /' >&2
  fi
  rm -f "$out" "$out.err"
}

# run_tool TOOL HOSTS_FILE N COMMAND
run_tool() {
  local tool=$1 file=$2 n=$3 cmd=$4 list
  list=$(paste -sd, "$file")
  case $tool in
    lwt) timed lwt "$lwt" exec -n -H "$file" -F "$FLEET_SSH_CONFIG" -p "$n" -- "$cmd" ;;
    lwt-o) rm -rf "$outdir" && timed lwt-o "$lwt" exec -n -H "$file" -F "$FLEET_SSH_CONFIG" \
      -p "$n" -o "$outdir" -- "$cmd" ;;
    lwt-json) timed lwt-json "$lwt" exec -n -H "$file" -F "$FLEET_SSH_CONFIG" -p "$n" --json \
      -- "$cmd" ;;
    ssh) timed ssh bash -c 'for a in $(cat "$1"); do ssh -n -F "$2" "$a" "$3" & done; wait' \
      ssh "$file" "$FLEET_SSH_CONFIG" "$cmd" ;;
    pdsh) PDSH_SSH_ARGS_APPEND="-F $FLEET_SSH_CONFIG" timed pdsh \
      pdsh -S -R ssh -f "$n" -w "^$file" "$cmd" ;;
    clush) timed clush clush -S -f "$n" -w "$list" -o "-F $FLEET_SSH_CONFIG" "$cmd" ;;
  esac
}

echo "output benchmark: one sshd on loopback, $(nproc) CPUs; $(ssh -V 2>&1 | cut -d, -f1);" \
  "node $(node --version); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# run_case TITLE HOSTS_FILE N COMMAND TOOLS...
run_case() {
  local title=$1 file=$2 n=$3 cmd=$4
  shift 4
  local tools=("$@")
  declare -gA wall=() cpu=() rss=() rc=()
  # One untimed lwt run on a small output first: lwt's first run compiles its code (README).
  "$lwt" exec -n -H "$one" -F "$FLEET_SSH_CONFIG" -- true >/dev/null 2>&1 || true
  for tool in "${tools[@]}"; do
    settle_fleet "$FLEET_SSHD_PID"
    run_tool "$tool" "$file" "$n" "$cmd"
    wall[$tool]=$WALL cpu[$tool]=$CPU rss[$tool]=$RSS rc[$tool]=$RC
  done
  echo
  echo "$title: $cmd (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '%-9s %8s %8s %8s %9s\n' tool 'wall s' 'CPU s' 'RSS MB' 'wall/ssh'
  for tool in "${tools[@]}"; do
    local vs=- note=''
    [ -n "${wall[ssh]:-}" ] && vs=$(ratio "${wall[$tool]}" "${wall[ssh]}")
    [ "${rc[$tool]}" -eq 0 ] || note="  (exit ${rc[$tool]}$([ "${rc[$tool]}" -eq 124 ] && echo ": stopped at the ${limit}s bound"))"
    printf '%-9s %8s %8s %8s %9s%s\n' "$tool" "${wall[$tool]}" "${cpu[$tool]}" "${rss[$tool]}" "$vs" "$note"
  done
}

# targets_for_walls: the wall targets of the cases where every tool ran.
targets_for_walls() {
  local pdsh_vs ssh_vs o_vs
  pdsh_vs=$(ratio "${wall[pdsh]}" "${wall[lwt]}")
  ssh_vs=$(ratio "${wall[lwt]}" "${wall[ssh]}")
  o_vs=$(ratio "${wall[lwt-o]}" "${wall[ssh]}")
  local pdsh_note=''
  [ "${rc[pdsh]}" -eq 124 ] && pdsh_note=" (pdsh stopped at the bound: at least this)"
  echo "target line mode >= 3x faster than pdsh: ${pdsh_vs}x$pdsh_note," \
    "$(at_most 3 "$pdsh_vs" && echo met || echo 'NOT met')"
  echo "target line mode <= 3x plain ssh's wall: ${ssh_vs}x, $(at_most "$ssh_vs" 3 && echo met || echo 'NOT met')"
  echo "target -o <= 1.5x plain ssh's wall: ${o_vs}x, $(at_most "$o_vs" 1.5 && echo met || echo 'NOT met')"
}

# target_rss: lwt's peak RSS in every mode against 200 MB.
target_rss() {
  for tool in lwt lwt-o lwt-json; do
    echo "target $tool peak RSS <= 200 MB: ${rss[$tool]} MB, $(at_most "${rss[$tool]}" 200 && echo met || echo 'NOT met')"
  done
}

all=(lwt lwt-o lwt-json ssh pdsh clush)
for c in "${cases[@]}"; do
  case $c in
    lines)
      run_case '200 MB of short lines from one host' "$one" 1 'yes abcdefghij | head -c 200000000' "${all[@]}"
      targets_for_walls ;;
    nonl)
      run_case '300 MB without a newline from one host' "$one" 1 "head -c 300000000 /dev/zero | tr '\\0' a" "${all[@]}"
      targets_for_walls ;;
    many)
      run_case '20 MB from each of 10 hosts' "$FLEET_ADDRESSES_FILE" 10 'yes abcdefghij | head -c 20000000' "${all[@]}"
      targets_for_walls ;;
    big)
      run_case '1 GB from one host' "$one" 1 'yes abcdefghij | head -c 1000000000' lwt lwt-o lwt-json ssh
      target_rss ;;
    bigmany)
      run_case '100 MB from each of 10 hosts' "$FLEET_ADDRESSES_FILE" 10 'yes abcdefghij | head -c 100000000' lwt lwt-o lwt-json ssh
      target_rss ;;
    *) echo "unknown case $c (lines nonl many big bigmany)" >&2 ;;
  esac
done

rm -f "$one"
# Closing its stdin tells the helper to stop the fleet.
exec {fleet_in}>&-
wait "$FLEET_PID" 2>/dev/null || true
