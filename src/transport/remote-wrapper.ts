import { quoteShellWord } from './shell-quote.js';

/**
 * The POSIX sh script every remote command runs under. Closing an SSH channel does not stop
 * a command that has no pty (OpenSSH reparents it to init), and the SSH "signal" request is
 * refused for root on OpenSSH <= 9.7, so the script stops the tree itself. It costs the host
 * as little as it can: one fork (the watchdog) beside the two execs every wrapper pays (sh, then
 * the login shell for the command), nothing written for a command without input.
 *
 * - The command's session is the script's own: OpenSSH makes the shell it starts for a command
 *   the leader of a new session (do_exec_no_pty calls setsid), and `exec` keeps that pid, so
 *   after `exec $SHELL -c command` the command leads that session, and sshd reports its exit
 *   status or exit signal itself, as for plain ssh. Where the script leads no session (Dropbear
 *   does not call setsid), it runs itself again under setsid(1) in a subshell, and passes on
 *   what that ends with (re-raising a signal on itself, so that sshd reports an exit signal).
 * - A watchdog, forked before the exec, reads the channel's stdin, on which lwt sends nothing
 *   past the command's input. EOF comes when the command's shell has ended (sshd then closes
 *   that pipe) or when lwt gave up (timeout, Ctrl-C) or the connection died. If the command
 *   still runs then, the watchdog stops every other process of the session: TERM, then KILL
 *   after the grace. A command that ended first, also one whose end sshd has not reaped yet
 *   when lwt's EOF comes, keeps what it left running on purpose (nohup, a daemon), as with ssh.
 *   The watchdog ignores the signals a command may send its own process group (`kill 0`).
 * - The second channel's kill line finds the watchdog (a fork of the script) by the run id in
 *   its arguments (/proc/PID/cmdline) and KILLs its session.
 * - The command's own input is the first N bytes of the channel, copied to a file first, so
 *   its EOF is never confused with the watchdog's (bulk data goes over SFTP instead: put's tar
 *   batches did once come this way, and cost the host 3x the CPU a megabyte).
 *
 * Linux only (/proc), as setsid(1) and `ps -s` were before. No two backslashes in a row: fish,
 * as a login shell, reads them inside single quotes as one. Arguments: $1 this script, $2
 * command, $3 folder to run in ('' for none), $4 input bytes, $5 grace seconds, $6 run id.
 */
const WRAPPER = (readProcs: string) => `
self=$1 cmd=$2 dir=$3 inbytes=$4 grace=$5 run=$6
if [ "$0" = lwt ]; then
  stat=
  { read -r stat </proc/self/stat; } 2>/dev/null
  # The fields after the command name: state ppid pgrp session ...
  set -- \${stat##*) }
  if [ "\${4:-}" != "$$" ]; then
    # In a subshell, which leads no process group: setsid(1) would fork from a group leader
    # and return at once. sh prints "Terminated" and the like for a child killed by a signal:
    # this shell's stderr goes to /dev/null, the child's is the channel's (kept as fd 4).
    exec 4>&2 2>/dev/null
    (exec setsid sh -c 'eval "$1"' lwt-setsid "$self" "$cmd" "$dir" "$inbytes" "$grace" "$run" 2>&4 4>&-)
    status=$?
    if [ "$status" -gt 128 ] && [ "$status" -le 143 ]; then
      ulimit -c 0
      trap - HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM
      kill -s "$(kill -l "$status")" $$
    fi
    exit "$status"
  fi
fi
exec 5<&0
if [ "$inbytes" -gt 0 ]; then
  infile=\${TMPDIR:-/tmp}/lwt-$run.in
  head -c "$inbytes" <&5 >"$infile"
  exec 3<"$infile"
  rm -f "$infile"
else
  exec 3</dev/null
fi
if [ -n "$dir" ]; then
  cd "$dir" 2>/dev/null || { echo "lwt: cannot enter $dir on $(hostname)" >&2; exit 126; }
fi
# Set before the fork: the command may signal its process group before the watchdog has run.
trap '' HUP TERM USR1 USR2 ALRM
(
  while IFS= read -r _; do :; done <&5
  # Gone: the command ended and sshd reaped it (and then closed the channel's stdin).
  kill -0 $$ 2>/dev/null || exit 0
  read -r me _ </proc/self/stat
  # Live processes of this session but the watchdog and its own; with an argument, only the
  # command's shell (the session's leader) if it still runs.
  members() {
    LC_ALL=C grep -aH '' /proc/[0-9]*/stat 2>/dev/null | awk -v sid=$$ -v me="$me" -v leader="$1" '
      ${readProcs}
      END {
        for (k = 1; k <= n; k++) {
          p = pids[k]
          if (session[p] != sid || p == me) continue
          if (leader) { if (p == sid) print p; continue }
          q = ppid[p]
          for (d = 0; d < 100 && session[q] == sid && q != me; d++) q = ppid[q]
          if (q != me) print p
        }
      }'
  }
  [ -n "$(members 1)" ] || exit 0
  kill -s TERM $(members) 2>/dev/null
  i=0
  while [ "$i" -lt "$((grace * 5))" ] && [ -n "$(members)" ]; do
    # Fifths of a second where sleep takes fractions (GNU, busybox, BSD), else whole seconds.
    if sleep 0.2 2>/dev/null; then i=$((i + 1)); else sleep 1; i=$((i + 5)); fi
  done
  # Again until none is left: a process may fork between a listing and its kill.
  i=0
  while [ "$i" -lt 10 ] && left=$(members) && [ -n "$left" ]; do
    kill -s KILL $left 2>/dev/null
    i=$((i + 1))
  done
) >/dev/null 2>&1 3<&- &
trap - HUP TERM USR1 USR2 ALRM
exec "\${SHELL:-/bin/sh}" -c "$cmd" <&3 3<&- 5<&-
`;

/**
 * The kill line's script: KILLs every process of each session holding a process whose
 * arguments hold the run id, but its own session. A server that makes no session per channel
 * (Dropbear) runs the kill line in the same session as the script before its setsid, so that
 * session, the server's, is never touched. The id comes in two halves ($1 $2) so that this
 * script's own arguments never hold it whole; grep's do, but its glob was expanded before grep
 * started.
 */
const KILL = (readProcs: string) => `
run=$1$2
stat=
{ read -r stat </proc/self/stat; } 2>/dev/null
set -- \${stat##*) }
own=\${4:-}
[ -n "$own" ] || exit 0
sessions=
for f in $(LC_ALL=C grep -lzF -e "$run" /proc/[0-9]*/cmdline 2>/dev/null); do
  pid=\${f#/proc/}
  pid=\${pid%/cmdline}
  stat=
  { read -r stat </proc/$pid/stat; } 2>/dev/null
  set -- \${stat##*) }
  s=\${4:-}
  case $s in '' | *[!0-9]*) continue ;; esac
  [ "$s" -le 1 ] || [ "$s" = "$own" ] || sessions="$sessions $s"
done
[ -n "$sessions" ] || exit 0
i=0
while [ "$i" -lt 10 ]; do
  left=$(LC_ALL=C grep -aH '' /proc/[0-9]*/stat 2>/dev/null | awk -v sessions="$sessions" '
    ${readProcs}
    END {
      split(sessions, l, " ")
      for (k in l) doomed[l[k]] = 1
      for (k = 1; k <= n; k++) if (session[pids[k]] in doomed) print pids[k]
    }')
  [ -n "$left" ] || exit 0
  kill -s KILL $left 2>/dev/null
  i=$((i + 1))
done
exit 0
`;

/**
 * awk: reads every /proc/PID/stat, as `grep -aH ''` prints them, into pids[1..n], and ppid[]
 * and session[] by pid, leaving out zombies (dead already; orphans may wait long for a reaper).
 * A process names itself (up to 15 bytes, ") " and line breaks included) before the fields that
 * matter, so the pid comes from the file name that grep puts before every line, and the fields
 * from after the last ") " of the whole record: a naive split once read pid 1 in session N
 * from a process named "x) S 1<newline>1 (y".
 */
const READ_PROCS = `
{
  i = index($0, ":")
  file = substr($0, 1, i - 1)
  if (file == last) { rec[r] = rec[r] "\\n" substr($0, i + 1); next }
  last = file
  r++
  at[r] = substr(file, 7) + 0
  rec[r] = substr($0, i + 1)
}
END {
  for (k = 1; k <= r; k++) {
    rest = rec[k]
    found = 0
    while ((j = index(rest, ") ")) > 0) { found = 1; rest = substr(rest, j + 2) }
    split(rest, f, " ")
    p = at[k]
    if (!found || p <= 1 || f[1] == "Z") continue
    pids[++n] = p
    ppid[p] = f[2]
    session[p] = f[4]
  }
}`;

/** The script as sent: without its comment lines and indentation, which only cost bytes. */
function compact(script: string): string {
  return script
    .split('\n')
    .map((line) => line.trimStart())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .join('\n');
}

const WRAPPER_TEXT = compact(WRAPPER(READ_PROCS));
const KILL_TEXT = compact(KILL(READ_PROCS));

export interface WrappedCommand {
  /** The exec request to send: runs the wrapper under sh whatever the login shell is. */
  readonly line: string;
  /** Kills what the wrapped command left, over a second channel (by its session). */
  readonly killLine: string;
}

/** The exec line for `command` under the wrapper, and the matching kill line. */
export function wrapRemoteCommand(options: {
  command: string;
  dir?: string;
  inputBytes: number;
  graceSeconds: number;
  runId: string;
}): WrappedCommand {
  const args = [
    WRAPPER_TEXT,
    options.command,
    options.dir ?? '',
    String(options.inputBytes),
    String(Math.max(0, Math.ceil(options.graceSeconds))),
    options.runId,
  ].map(quoteShellWord);
  const line = `exec sh -c 'eval "$1"' lwt ${args.join(' ')}`;
  const half = Math.ceil(options.runId.length / 2);
  const halves = [options.runId.slice(0, half), options.runId.slice(half)].map(quoteShellWord);
  const killLine = `exec sh -c ${quoteShellWord(KILL_TEXT)} lwt-kill ${halves.join(' ')}`;
  return { line, killLine };
}
