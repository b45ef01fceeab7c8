import { readFileSync } from 'node:fs';

/**
 * A command that appends "start" and "end" to `log` around a sleep. Appends of one short line
 * are atomic, so the log holds the true order of starts and ends across commands.
 */
export function loggedCommand(log: string, seconds: number, extra = ''): string {
  return `echo start >> ${log}; sleep ${seconds}; ${extra}echo end >> ${log}`;
}

/** The most commands that were between their "start" and "end" at one moment. */
export function maxConcurrency(log: string): { most: number; starts: number; ends: number } {
  let active = 0;
  let most = 0;
  let starts = 0;
  let ends = 0;
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (line === 'start') {
      starts++;
      most = Math.max(most, ++active);
    } else if (line === 'end') {
      ends++;
      active--;
    }
  }
  return { most, starts, ends };
}
