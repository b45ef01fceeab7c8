import { quoteShellWord } from './shell-quote.js';

/**
 * The POSIX sh script every remote command runs under. Closing an SSH channel does not stop
 * a command that has no pty (OpenSSH reparents it to init), and the SSH "signal" request is
 * refused for root on OpenSSH <= 9.7, so the script stops the tree itself:
 *
 * - the command runs under setsid in a session of its own (the session id is its pid, written
 *   to a file named by the run id so that a second channel can kill it too);
 * - a watchdog reads the channel's stdin, on which lwt sends nothing past the command's input;
 *   EOF there means lwt gave up (timeout, Ctrl-C) or the connection died, and the watchdog
 *   stops every process of that session: TERM, then KILL after the grace. Once it has begun
 *   (the .stop file), the script waits for it rather than killing it when the session leader
 *   dies: the leader is often the first to go, and a watchdog killed then would spare the rest;
 * - when the command ends by itself the watchdog is killed, and what the command left running
 *   in the background on purpose (nohup, a daemon) is left alone, as ssh would;
 * - the command's own input is the first N bytes of the channel, copied to a file first, so
 *   its EOF is never confused with the watchdog's (bulk data goes over SFTP instead: put's tar
 *   batches did once come this way, and cost the host 3x the CPU a megabyte);
 * - a command killed by a signal shows as 128+N to the script; it re-raises that signal on
 *   itself so that sshd reports an exit signal, as plain ssh does for a command that died so.
 *
 * Arguments: $1 command, $2 folder to run in ('' for none), $3 input bytes, $4 grace seconds,
 * $5 run id.
 */
const WRAPPER = `
cmd=$1 dir=$2 inbytes=$3 grace=$4 run=$5
state=\${TMPDIR:-/tmp}/lwt-$run.sid
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
# Live members of session $1; a zombie is dead already, and orphans may wait long for a reaper.
members() { ps -o stat=,pid= -s "$1" 2>/dev/null | sed -n 's/^[^Z][^ ]* *//p'; }
stoptree() {
  for p in $(members "$1"); do kill -"$2" "$p" 2>/dev/null; done
  kill -"$2" -- -"$1" 2>/dev/null
}
setsid \${SHELL:-/bin/sh} -c "$cmd" <&3 3<&- 5<&- &
sid=$!
exec 3<&-
echo "$sid" >"$state"
(
  trap - TERM
  while IFS= read -r _; do :; done <&5
  : >"$state.stop"
  stoptree "$sid" TERM
  i=0
  while [ "$i" -lt "$((grace * 5))" ] && [ -n "$(members "$sid")" ]; do
    # Fifths of a second where sleep takes fractions (GNU, busybox, BSD), else whole seconds.
    if sleep 0.2 2>/dev/null; then i=$((i + 1)); else sleep 1; i=$((i + 5)); fi
  done
  stoptree "$sid" KILL
) >/dev/null 2>&1 &
watchdog=$!
exec 5<&-
wait "$sid" 2>/dev/null
status=$?
if [ -e "$state.stop" ]; then
  wait "$watchdog" 2>/dev/null
else
  kill "$watchdog" 2>/dev/null
fi
rm -f "$state" "$state.stop"
if [ "$status" -gt 128 ] && [ "$status" -le 143 ]; then
  ulimit -c 0
  trap - HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM
  kill -s "$(kill -l "$status")" $$
fi
exit "$status"
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
    options.command,
    options.dir ?? '',
    String(options.inputBytes),
    String(Math.max(0, Math.ceil(options.graceSeconds))),
    options.runId,
  ].map(quoteShellWord);
  const line = `exec sh -c ${quoteShellWord(WRAPPER)} lwt ${args.join(' ')}`;
  const state = `\${TMPDIR:-/tmp}/lwt-${options.runId}.sid`;
  const killLine =
    `sid=$(cat "${state}" 2>/dev/null); [ -n "$sid" ] || exit 0; ` +
    `for p in $(ps -o pid= -s "$sid" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done; ` +
    `kill -KILL -- -"$sid" 2>/dev/null; rm -f "${state}"; exit 0`;
  return { line, killLine };
}
