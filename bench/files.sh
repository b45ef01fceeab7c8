#!/usr/bin/env bash
# The file fan-out benchmark: a 10 MB file, and a tree of 1000 files of 4 KB, to every host of a
# real OpenSSH fleet on loopback (one sshd, 127.0.0.2...), with lwt put, parallel-scp (pssh),
# clush --copy and a loop of scp, all at OpenSSH's default settings and as many hosts at once as
# there are hosts. Prints wall time and client CPU (user+sys of each tool's process tree) per
# host, and the ratios to lwt. Targets: lwt wall 1.3x faster than the fastest other for the
# 10 MB file and 3x for the tree; lwt client CPU <= 40 ms a host per 10 MB.
#
# The hosts share this machine's file system, so every tool writes to one place on tmpfs
# (/dev/shm): on this VM's disk, creating the tree's 1000 files costs 0.75 s of kernel time per
# host whoever sends them, which would hide the tools' differences. lwt runs with --force, as
# the others copy everything: otherwise a host would skip what another host just wrote.
#
#   bench/files.sh [N...]          default: 10 50
#   BENCH_LWT=path/to/lwt bench/files.sh
#   BENCH_ROUNDS=3 bench/files.sh   tools take turns 3 times; each keeps its best wall and its
#                                   best CPU, each from its own round (other work on the machine
#                                   only ever slows a round down)
#
# The CPU target line also gives scp's own CPU a host in the same run: this VM's speed drifts
# by half from minute to minute, and scp, whose work does not change, shows by how much (it was
# 110 ms a host per 10 MB when the target was set).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/measure.sh

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 50)
rounds=${BENCH_ROUNDS:-1}

[ -x /usr/sbin/sshd ] || ensure_tool /usr/sbin/sshd openssh-server
ensure_tool parallel-scp pssh
ensure_tool clush clustershell
[ -f dist/testing/index.js ] && [ -f dist/fleet/put.js ] || npm run build >/dev/null
lwt=${BENCH_LWT:-./bin/lwt}
tools=(lwt pscp clush scp)

payload=$(mktemp -d)
dest_root=/dev/shm/lwt-bench-files-$$
cleanup() { rm -rf "$payload" "$dest_root"; }
trap cleanup EXIT
head -c $((10 * 1024 * 1024)) /dev/urandom >"$payload/big.bin"
mkdir -p "$payload/tree"
for d in $(seq 0 9); do
  mkdir -p "$payload/tree/d$d"
  for i in $(seq 0 99); do head -c 4096 /dev/urandom >"$payload/tree/d$d/f$i"; done
done

# run_tool TOOL N WHAT: copies $payload/WHAT to $dest_root/WHAT on every host of the fleet.
run_tool() {
  local n=$2 src=$payload/$3 dest=$dest_root/$3 recurse=() into=$dest_root/$3
  # A folder goes into $dest_root, which exists: scp -r to a path that does not exist yet makes
  # it the copy, and then every later host would nest its copy inside it (dest/tree/tree).
  [ -d "$src" ] && recurse=(-r) into=$dest_root
  rm -rf "$dest_root" && mkdir -p "$dest_root"
  case $1 in
    lwt) measure lwt "$lwt" put --force -H "$FLEET_HOSTS_FILE" -F "$FLEET_SSH_CONFIG" -p "$n" "$src" "$dest" </dev/null ;;
    pscp) measure pscp parallel-scp -h "$FLEET_ADDRESSES_FILE" -p "$n" -x "-F $FLEET_SSH_CONFIG" "${recurse[@]}" "$src" "$into" ;;
    clush) measure clush clush -S -f "$n" -w "$FLEET_ADDRESSES" -o "-F $FLEET_SSH_CONFIG" --copy "$src" --dest "$dest_root" ;;
    scp) measure scp bash -c 'for a in $(cat "$1"); do scp -q -F "$2" $3 "$4" "$a:$5" || exit 1; done' \
      scp-loop "$FLEET_ADDRESSES_FILE" "$FLEET_SSH_CONFIG" "${recurse[*]}" "$src" "$into" ;;
  esac
  # Every tool must have left a whole copy: compare bytes with the source.
  if [ "$RC" -eq 0 ] && ! diff -rq "$src" "$dest" >/dev/null 2>&1; then
    echo "  $1: the copy differs from the source" >&2
    RC=99
  fi
}

echo "file fan-out benchmark: one sshd on loopback, $(nproc) CPUs;" \
  "$(ssh -V 2>&1 | cut -d, -f1), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  coproc FLEET { exec node bench/lib/fleet.mjs "$n"; }
  fleet_in=${FLEET[1]}
  read_fleet

  # One untimed lwt put of both payloads first, as pssh's and clush's Python already has its
  # .pyc files: lwt's first run on a machine (Node 22 and 24) keeps its compiled code in
  # ~/.cache/lwt/compile-cache (README, Layout). Both at once, since that run writes the cache.
  if [ "$n" = "${sizes[0]}" ]; then
    "$lwt" put --force -H "$FLEET_HOSTS_FILE" -F "$FLEET_SSH_CONFIG" -p "$n" \
      "$payload/big.bin" "$payload/tree" "$dest_root/warm-up" </dev/null >/dev/null 2>&1 || true
  fi

  for what in big.bin tree; do
    declare -A wall=() cpu=() rc=()
    for ((round = 1; round <= rounds; round++)); do
      for tool in "${tools[@]}"; do
        settle_fleet "$FLEET_SSHD_PID"
        run_tool "$tool" "$n" "$what"
        # A failed round counts for neither; a tool that never succeeds shows its last.
        if [ "$RC" -ne 0 ]; then
          [ "${rc[$tool]:-1}" -eq 0 ] || { wall[$tool]=$WALL cpu[$tool]=$CPU rc[$tool]=$RC; }
          continue
        fi
        if [ "${rc[$tool]:-1}" -ne 0 ] || at_most "$WALL" "${wall[$tool]}"; then
          wall[$tool]=$WALL
          [ "$tool" != lwt ] || lwt_summary=$ERR_TAIL
        fi
        if [ "${rc[$tool]:-1}" -ne 0 ] || at_most "$CPU" "${cpu[$tool]}"; then cpu[$tool]=$CPU; fi
        rc[$tool]=0
      done
    done
    label=$([ "$what" = tree ] && echo 'tree of 1000 x 4 KB' || echo '10 MB file')
    echo
    echo "N=$n hosts, $n at once: $label$([ "$rounds" -eq 1 ] || echo ", best of $rounds rounds")"
    printf '%-6s %8s %9s %8s %9s %9s %9s\n' tool 'wall s' 'wall ms/h' 'CPU s' 'CPU ms/h' 'wall/lwt' 'CPU/lwt'
    fastest=
    for tool in "${tools[@]}"; do
      printf '%-6s %8s %9s %8s %9s %9s %9s%s\n' "$tool" "${wall[$tool]}" \
        "$(ms_per "${wall[$tool]}" "$n")" "${cpu[$tool]}" "$(ms_per "${cpu[$tool]}" "$n")" \
        "$(ratio "${wall[$tool]}" "${wall[lwt]}")" "$(ratio "${cpu[$tool]}" "${cpu[lwt]}")" \
        "$([ "${rc[$tool]}" -eq 0 ] || echo "  (exit ${rc[$tool]}: failed)")"
      if [ "$tool" != lwt ] && [ "${rc[$tool]}" -eq 0 ]; then
        if [ -z "$fastest" ] || at_most "${wall[$tool]}" "$fastest"; then fastest=${wall[$tool]}; fi
      fi
    done
    echo "lwt's summary: $lwt_summary"
    want=$([ "$what" = tree ] && echo 3 || echo 1.3)
    if [ -n "$fastest" ]; then
      target=$(awk -v f="$fastest" -v w="$want" 'BEGIN { printf "%.3f", f / w }')
      echo "target lwt wall <= fastest other / $want = $target s: ${wall[lwt]} s," \
        "$(at_most "${wall[lwt]}" "$target" && echo met || echo 'NOT met')"
    fi
    if [ "$what" = big.bin ]; then
      per=$(ms_per "${cpu[lwt]}" "$n")
      echo "target lwt client CPU <= 40 ms/host per 10 MB: $per ms, $(at_most "$per" 40 && echo met || echo 'NOT met')" \
        "(scp's own: $(ms_per "${cpu[scp]}" "$n") ms/host; 110 when the target was set)"
    fi
  done

  exec {fleet_in}>&-
  wait "$FLEET_PID" 2>/dev/null || true
  unset FLEET_SSH_CONFIG
done
