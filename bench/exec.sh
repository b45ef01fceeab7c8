#!/usr/bin/env bash
# The fleet benchmark: `true` on every host of a real OpenSSH fleet on loopback (one sshd on
# 127.0.1.44... by default, away from the tests' 127.0.0.x: see bench/lib/fleet.mjs), under lwt
# exec, pssh, pdsh and clush, all at OpenSSH's default settings and with as many hosts at once as
# there are hosts. For each size it prints wall time and client CPU
# (user+sys of the tool's whole process tree), per host, the sshd's CPU per host, and the ratios.
# Targets at N=200: lwt client CPU <= 6 ms/host; lwt wall <= 1/3 of clush's; lwt sshd CPU <= 1.2x
# clush's.
#
#   bench/exec.sh [N...]          default: 10 50 200
#   BENCH_LWT=path/to/lwt bench/exec.sh    another build of lwt (default: ./bin/lwt)
#   BENCH_FIRST_ADDRESS=2 bench/exec.sh     the fleet's first address number (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/measure.sh

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 50 200)

[ -x /usr/sbin/sshd ] || ensure_tool /usr/sbin/sshd openssh-server
ensure_tool parallel-ssh pssh
ensure_tool pdsh pdsh
ensure_tool clush clustershell
ensure_tool python3 python3
[ -f dist/testing/index.js ] || npm run build >/dev/null

lwt=${BENCH_LWT:-./bin/lwt}
tools=()
# The first line of a command's help names it; without the command, yargs prints the top help.
if "$lwt" exec --help 2>/dev/null | head -n 1 | grep -q '^lwt exec'; then
  tools+=(lwt)
else
  echo 'lwt exec not built yet: timing the others only'
fi
tools+=(pssh pdsh clush)

# The listener's cutime+cstime in ms: the CPU of every connection it has reaped (each session's
# sshd and the command it ran), plus what the sessions left behind, which init would reap (lwt's
# watchdog outlives the command by a moment): the fleet runs under bench/lib/subreaper.py, which
# reaps those and counts their CPU, so that no tool looks cheaper by leaving work to init.
# CLK_TCK is 100 here: 10 ms steps, fine over many hosts.
orphans_file=$(mktemp)
trap 'rm -f "$orphans_file"' EXIT
sshd_cpu_ms() {
  awk -v hz="$(getconf CLK_TCK)" -v orphans="$(cat "$orphans_file")" \
    '{ sub(/^.*\) /, ""); print ($14 + $15) * 1000 / hz + orphans }' "/proc/$FLEET_SSHD_PID/stat"
}

# run_tool TOOL N: measures TOOL running `true` on every host of the current fleet.
run_tool() {
  local n=$2
  case $1 in
    # A connect deadline of 60 s, as the others have none: on a slow day, 200 key exchanges at
    # once take this sshd more than lwt's default 10 s, and a host given up on costs nothing.
    lwt) measure lwt "$lwt" exec -H "$FLEET_HOSTS_FILE" -F "$FLEET_SSH_CONFIG" -p "$n" \
      --connect-timeout 60 -- true ;;
    pssh) measure pssh parallel-ssh -h "$FLEET_ADDRESSES_FILE" -p "$n" -x "-F $FLEET_SSH_CONFIG" true ;;
    # -S: exit with the largest remote status, so a host that failed shows.
    pdsh) PDSH_SSH_ARGS_APPEND="-F $FLEET_SSH_CONFIG" measure pdsh \
      pdsh -S -R ssh -f "$n" -w "^$FLEET_ADDRESSES_FILE" true ;;
    clush) measure clush clush -S -f "$n" -w "$FLEET_ADDRESSES" -o "-F $FLEET_SSH_CONFIG" true ;;
  esac
}

echo "fleet benchmark: one sshd on loopback, 'true' on every host, $(nproc) CPUs;" \
  "$(ssh -V 2>&1 | cut -d, -f1), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  # Before this size, since the peers' own hundreds of ssh processes raise the load as they run.
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  coproc FLEET { ORPHAN_CPU_FILE=$orphans_file exec python3 bench/lib/subreaper.py node bench/lib/fleet.mjs "$n"; }
  fleet_in=${FLEET[1]}
  read_fleet

  # One untimed lwt run first, as pssh's and clush's Python already has its .pyc files: lwt's
  # first run on a machine (Node 22 and 24) keeps its compiled code in ~/.cache/lwt/compile-cache
  # (README, Layout).
  if [ "$n" = "${sizes[0]}" ] && [ "${tools[0]}" = lwt ]; then
    run_tool lwt "$n" >/dev/null 2>&1 || true
  fi

  declare -A wall=() cpu=() server=() rc=()
  for tool in "${tools[@]}"; do
    settle_fleet "$FLEET_SSHD_PID"
    before=$(sshd_cpu_ms)
    run_tool "$tool" "$n"
    wall[$tool]=$WALL cpu[$tool]=$CPU rc[$tool]=$RC
    server[$tool]=$(awk -v a="$(sshd_cpu_ms)" -v b="$before" -v n="$n" 'BEGIN { printf "%.1f", (a - b) / n }')
    [ "$tool" != lwt ] || lwt_summary=$ERR_TAIL
  done

  echo
  echo "N=$n hosts, $n at once (port $FLEET_PORT), load average before: $load"
  printf '%-6s %8s %9s %8s %9s %13s %9s %9s\n' tool 'wall s' 'wall ms/h' 'CPU s' 'CPU ms/h' \
    'sshd CPU ms/h' 'wall/lwt' 'CPU/lwt'
  for tool in "${tools[@]}"; do
    vs_wall=- vs_cpu=-
    if [ -n "${wall[lwt]:-}" ]; then
      vs_wall=$(ratio "${wall[$tool]}" "${wall[lwt]}") vs_cpu=$(ratio "${cpu[$tool]}" "${cpu[lwt]}")
    fi
    printf '%-6s %8s %9s %8s %9s %13s %9s %9s%s\n' "$tool" "${wall[$tool]}" \
      "$(ms_per "${wall[$tool]}" "$n")" "${cpu[$tool]}" "$(ms_per "${cpu[$tool]}" "$n")" \
      "${server[$tool]}" "$vs_wall" "$vs_cpu" \
      "$([ "${rc[$tool]}" -eq 0 ] || echo "  (exit ${rc[$tool]}: some hosts failed)")"
  done
  if [ -n "${wall[lwt]:-}" ]; then
    echo "lwt's summary: $lwt_summary"
    cpu_per_host=$(ms_per "${cpu[lwt]}" "$n")
    third=$(awk -v c="${wall[clush]}" 'BEGIN { printf "%.3f", c / 3 }')
    note=$([ "$n" -eq 200 ] || echo ' (the targets are set for N=200)')
    echo "target lwt client CPU <= 6 ms/host: ${cpu_per_host} ms," \
      "$(at_most "$cpu_per_host" 6 && echo met || echo 'NOT met')$note"
    echo "target lwt wall <= clush/3 = ${third} s: ${wall[lwt]} s," \
      "$(at_most "${wall[lwt]}" "$third" && echo met || echo 'NOT met')$note"
    sshd_limit=$(awk -v c="${server[clush]}" 'BEGIN { printf "%.1f", c * 1.2 }')
    echo "target lwt sshd CPU <= clush x 1.2 = ${sshd_limit} ms/host: ${server[lwt]} ms," \
      "$(at_most "${server[lwt]}" "$sshd_limit" && echo met || echo 'NOT met')$note"
  fi

  # Closing its stdin tells the helper to stop the fleet.
  exec {fleet_in}>&-
  wait "$FLEET_PID" 2>/dev/null || true
  unset FLEET_SSH_CONFIG
done
