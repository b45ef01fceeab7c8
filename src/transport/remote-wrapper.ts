import { quoteShellWord } from './shell-quote.js';

/**
 * The POSIX sh script every remote command runs under. Closing an SSH channel does not stop
 * a command that has no pty (OpenSSH reparents it to init), and the SSH "signal" request is
 * refused for root on OpenSSH <= 9.7, so the script stops the tree itself:
 *
 * - the command runs in a session of its own, found later with /proc: OpenSSH already makes
 *   the shell it starts for a command the leader of a new session (do_exec_no_pty calls
 *   setsid), and `exec sh` keeps that pid, so the script's own session is the command's and
 *   nothing is spawned for it. Where the script leads no session (Dropbear does not call
 *   setsid), it runs itself again under setsid(1) and relays the result;
 * - the command runs in the foreground, not as `&`, which would start it with SIGINT and
 *   SIGQUIT ignored (POSIX, for a shell without job control), unlike plain ssh;
 * - a watchdog (a subshell) reads the channel's stdin, on which lwt sends nothing past the
 *   command's input; EOF there means lwt gave up (timeout, Ctrl-C) or the connection died,
 *   and if the command still runs then, the watchdog stops every other process of the session:
 *   TERM, then KILL after the grace. A command that ended first (an EOF racing its end) keeps
 *   what it left running on purpose (nohup, a daemon), as with ssh;
 * - when the command ends, the script TERMs the watchdog and waits for it. A watchdog that has
 *   begun stopping ignores TERM, so the script waits for it to finish rather than killing it
 *   half-way (the command's shell is often the first to die, long before the rest);
 * - nothing is written on the way of a command that gets no input: the second channel's kill
 *   line finds the script by the run id in its arguments (/proc/PID/cmdline);
 * - the command's own input is the first N bytes of the channel, copied to a file first, so
 *   its EOF is never confused with the watchdog's (bulk data goes over SFTP instead: put's tar
 *   batches did once come this way, and cost the host 3x the CPU a megabyte);
 * - a command killed by a signal shows as 128+N to the script; it re-raises that signal on
 *   itself so that sshd reports an exit signal, as plain ssh does for a command that died so.
 *
 * Linux only (/proc), as setsid(1) and `ps -s` were before. No two backslashes in a row: fish,
 * as a login shell, reads them inside single quotes as one. Arguments: $1 this script, $2
 * command, $3 folder to run in ('' for none), $4 input bytes, $5 grace seconds, $6 run id.
 */
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
}`.trim();

const WRAPPER = `
self=$1 cmd=$2 dir=$3 inbytes=$4 grace=$5 run=$6 status=
if [ "$0" = lwt ]; then
  stat=
  { read -r stat </proc/self/stat; } 2>/dev/null
  # Fields 3.. of /proc/PID/stat, after the command name: state ppid pgrp session ...
  set -- \${stat##*) }
  if [ "\${4:-}" != "$$" ]; then
    exec 4>&2 2>/dev/null
    (exec setsid sh -c 'eval "$1"' lwt-setsid "$self" "$cmd" "$dir" "$inbytes" "$grace" "$run" 2>&4 4>&-)
    status=$?
  fi
fi
if [ -z "$status" ]; then
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
  (
    while IFS= read -r _; do :; done <&5
    trap '' TERM
    read -r me _ </proc/self/stat
    # Live processes of this session but the script and the watchdog's own; with an argument,
    # only the script's children: the command, while it runs.
    members() {
      LC_ALL=C grep -aH '' /proc/[0-9]*/stat 2>/dev/null | awk -v sid=$$ -v me="$me" -v children="$1" '
        ${READ_PROCS}
        END {
          for (k = 1; k <= n; k++) {
            p = pids[k]
            if (session[p] != sid || p == sid || p == me) continue
            if (children) { if (ppid[p] == sid) print p; continue }
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
  watchdog=$!
  # dash and busybox print "Terminated" and the like on stderr for a command killed by a signal
  # when they reap it: the script's own stderr goes to /dev/null from here, the command's is
  # the channel's (kept as fd 4), set inside a subshell that becomes the command.
  exec 4>&2 2>/dev/null
  (exec "\${SHELL:-/bin/sh}" -c "$cmd" <&3 3<&- 5<&- 2>&4 4>&-)
  status=$?
  kill "$watchdog" 2>/dev/null
  wait "$watchdog" 2>/dev/null
fi
if [ "$status" -gt 128 ] && [ "$status" -le 143 ]; then
  ulimit -c 0
  trap - HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM
  kill -s "$(kill -l "$status")" $$
fi
exit "$status"
`.trim();

/**
 * KILLs, over a second channel, every process of the session led by the wrapper whose
 * arguments hold the run id (a relaying wrapper, which leads none, is passed over). The id comes
 * in two halves ($1 $2) so that this script's own arguments never hold it whole; grep's do, but
 * its glob was expanded before grep started.
 */
const KILL = `
run=$1$2
leaders=
for f in $(LC_ALL=C grep -lzF -e "$run" /proc/[0-9]*/cmdline 2>/dev/null); do
  pid=\${f#/proc/}
  pid=\${pid%/cmdline}
  stat=
  { read -r stat </proc/$pid/stat; } 2>/dev/null
  set -- \${stat##*) }
  [ "$pid" -le 1 ] || [ "\${4:-}" != "$pid" ] || leaders="$leaders $pid"
done
[ -n "$leaders" ] || exit 0
i=0
while [ "$i" -lt 10 ]; do
  left=$(LC_ALL=C grep -aH '' /proc/[0-9]*/stat 2>/dev/null | awk -v leaders="$leaders" '
    ${READ_PROCS}
    END {
      split(leaders, l, " ")
      for (k in l) lead[l[k]] = 1
      for (k = 1; k <= n; k++) if (session[pids[k]] in lead) print pids[k]
    }')
  [ -n "$left" ] || exit 0
  kill -s KILL $left 2>/dev/null
  i=$((i + 1))
done
exit 0
`.trim();

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
    WRAPPER,
    options.command,
    options.dir ?? '',
    String(options.inputBytes),
    String(Math.max(0, Math.ceil(options.graceSeconds))),
    options.runId,
  ].map(quoteShellWord);
  const line = `exec sh -c 'eval "$1"' lwt ${args.join(' ')}`;
  const half = Math.ceil(options.runId.length / 2);
  const halves = [options.runId.slice(0, half), options.runId.slice(half)].map(quoteShellWord);
  const killLine = `exec sh -c ${quoteShellWord(KILL)} lwt-kill ${halves.join(' ')}`;
  return { line, killLine };
}
