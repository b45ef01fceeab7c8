import { closeSync, openSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import type { Outcome } from '../outcome/outcome.js';
import type { RunReporter } from '../run/events.js';

const HEADER = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n';

/**
 * GNU parallel's --joblog format, so existing tools that read it keep working. Written line by
 * line as commands end, so a crash keeps the log of everything that finished.
 */
export function joblog(path: string): RunReporter {
  const fd = openSync(path, 'w');
  writeSync(fd, HEADER);
  return {
    onCommandEnd(result) {
      const { exitval, signal } = joblogStatus(result.outcome);
      const row = [
        result.number,
        ':',
        (result.startedAt.getTime() / 1000).toFixed(3),
        (result.durationMs / 1000).toFixed(3),
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

/** Exitval and Signal columns; like GNU parallel, a job that never reported a code gets -1. */
export function joblogStatus(outcome: Outcome): { exitval: number; signal: number } {
  switch (outcome.kind) {
    case 'ok':
      return { exitval: 0, signal: 0 };
    case 'exit':
      return { exitval: outcome.code, signal: 0 };
    case 'signal':
      return {
        exitval: -1,
        signal: constants.signals[outcome.signal as NodeJS.Signals] ?? 0,
      };
    case 'timeout':
    case 'canceled':
      return { exitval: -1, signal: constants.signals.SIGTERM };
    default:
      return { exitval: -1, signal: 0 };
  }
}
