# Shared by the benchmark scripts (sourced, not run).

# measure NAME CMD...: runs CMD with its output discarded and sets
#   WALL  wall seconds           CPU  user+sys seconds of CMD's whole process tree
#   RC    its exit status            ERR_TAIL  the last line it wrote on stderr
# bash's `time` reads getrusage(RUSAGE_CHILDREN) before and after, so CPU counts every
# descendant CMD waited for (each ssh of pssh, pdsh and clush; each job of a pool).
measure() {
  local name=$1 out
  shift
  out=$(mktemp)
  local TIMEFORMAT='%3R %3U %3S'
  set +e
  { time "$@" >/dev/null 2>"$out.err"; } 2>"$out"
  RC=$?
  set -e
  local user sys
  read -r WALL user sys <"$out"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
  ERR_TAIL=$(tail -n 1 "$out.err")
  if [ "$RC" -ne 0 ]; then
    echo "  $name exited $RC; its stderr ends with:" >&2
    tail -n 3 "$out.err" | sed 's/^/    /' >&2
  fi
  rm -f "$out" "$out.err"
}

# settle_fleet PID: waits (up to 10 s) until the fleet's sshd listener PID has no session left
# from the previous tool, so that each tool starts on a quiet fleet.
settle_fleet() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ -z "$(cat "/proc/$1/task/$1/children" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
}

# ms_per A N: A seconds over N items, in milliseconds, two decimals.
ms_per() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.2f", a * 1000 / n }'; }

# ratio A B: A / B, two decimals ("-" when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

# at_most A B: exit 0 when A <= B.
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

# ensure_tool COMMAND PACKAGE: installs PACKAGE with apt-get when COMMAND is missing.
ensure_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "installing $2 (for $1)" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "  $1 is missing and only root can apt-get install $2" >&2
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null; }
}

# read_fleet: takes the fleet's variables (FLEET_SSH_CONFIG, FLEET_HOSTS_FILE, ...) from the
# FLEET coprocess running bench/lib/fleet.mjs, up to its FLEET_READY line; exit 1 if it never
# got there.
read_fleet() {
  local line
  while IFS= read -r line <&"${FLEET[0]}"; do
    case $line in
      FLEET_READY=1) return 0 ;;
      FLEET_[A-Z_]*=*) eval "$line" ;; # Our own helper's output, quoted for the shell.
    esac
  done
  echo "the fleet did not start" >&2
  exit 1
}
