import { closeSync, openSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import type { Outcome } from '../outcome/outcome.js';
import type { RunReporter } from '../run/events.js';
import { UsageError } from '../usage-error.js';

const HEADER = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n';

/**
 * GNU parallel's --joblog format, so existing tools that read it keep working. Written line by
 * line as commands end, so a crash keeps the log of everything that finished.
 */
export function joblog(path: string): RunReporter {
  const fd = openJoblog(path);
  writeSync(fd, HEADER);
  return {
    onCommandEnd(result) {
      const { exitval, signal } = joblogStatus(result.outcome);
      const row = [
        result.number,
        ':',
        (result.startedAt.getTime() / 1000).toFixed(3),
        // GNU parallel pads the runtime to ten characters (sprintf "%10.3f").
        (result.durationMs / 1000).toFixed(3).padStart(10),
        0,
        Buffer.byteLength(result.stdout),
        exitval,
        signal,
        result.command,
      ];
      writeSync(fd, row.join('\t') + '\n');
    },
    onRunEnd() {
      closeSync(fd);
    },
  };
}

/**
 * Exitval and Signal columns as GNU parallel writes them: a job killed by a signal has Exitval 0
 * (wait status >> 8) and the signal's number; one stopped by lwt (timeout, Ctrl-C) was sent TERM
 * and has Exitval -1; a job that never reported a code gets -1 and no signal.
 */
export function joblogStatus(outcome: Outcome): { exitval: number; signal: number } {
  switch (outcome.kind) {
    case 'ok':
      return { exitval: 0, signal: 0 };
    case 'exit':
      return { exitval: outcome.code, signal: 0 };
    case 'signal':
      return {
        exitval: 0,
        signal: constants.signals[outcome.signal as NodeJS.Signals] ?? 0,
      };
    case 'timeout':
    case 'canceled':
      return { exitval: -1, signal: constants.signals.SIGTERM };
    default:
      return { exitval: -1, signal: 0 };
  }
}

/** Opens the joblog for writing; a path that cannot be written is the user's mistake, not a bug. */
function openJoblog(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'is a directory' : code;
    throw new UsageError(`cannot write the joblog: ${why ?? String(error)}`, { file: path });
  }
}
