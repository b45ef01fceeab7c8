import type { CommandResult, RunReporter } from '../run/events.js';
import { prefixLines, withFinalNewline, type OutputStreams } from './text.js';

export type TagMode = 'number' | 'command' | 'none';

/**
 * GNU parallel's --group (and --tag): each command's output is written whole when it ends, so
 * lines of two commands never mix; with a tag every line says which command wrote it.
 */
export function groupedOutput(streams: OutputStreams, tag: TagMode): RunReporter {
  return {
    onCommandEnd(result: CommandResult) {
      const prefix = tagFor(result, tag);
      const out =
        prefix === '' ? withFinalNewline(result.stdout) : prefixLines(result.stdout, prefix);
      const err =
        prefix === '' ? withFinalNewline(result.stderr) : prefixLines(result.stderr, prefix);
      if (out) streams.stdout.write(out);
      if (err) streams.stderr.write(err);
    },
  };
}

function tagFor(result: CommandResult, tag: TagMode): string {
  if (tag === 'number') return `${result.number}\t`;
  if (tag === 'command') return `${result.command}\t`;
  return '';
}

/**
 * Holds results back so that `inner` sees them in command order (GNU parallel's
 * --keep-order), releasing each as soon as every earlier command has ended.
 */
export function inCommandOrder(inner: RunReporter): RunReporter {
  const waiting = new Map<number, CommandResult>();
  let nextNumber = 1;
  return {
    onCommandStart: (command) => inner.onCommandStart?.(command),
    onCommandEnd(result) {
      waiting.set(result.number, result);
      for (let r = waiting.get(nextNumber); r; r = waiting.get(nextNumber)) {
        waiting.delete(nextNumber++);
        inner.onCommandEnd?.(r);
      }
    },
    onRunEnd(summary) {
      // After a stop some numbers never ran: release what is left in order.
      for (const number of [...waiting.keys()].sort((a, b) => a - b)) {
        const r = waiting.get(number);
        if (r) inner.onCommandEnd?.(r);
      }
      waiting.clear();
      inner.onRunEnd?.(summary);
    },
  };
}
