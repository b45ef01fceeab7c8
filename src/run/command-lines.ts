import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** One command of a `lwt run` list: its 1-based number among commands and its text. */
export interface CommandLine {
  readonly number: number;
  readonly command: string;
}

/** Whether a line of a command list holds a command: blank lines and `#` lines do not. */
export function isCommandLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== '' && !trimmed.startsWith('#');
}

/**
 * The commands of a list as they arrive, numbered from 1, so that the pool starts the first
 * ones while the rest is still being written to our stdin.
 */
export async function* readCommandLines(input: Readable): AsyncGenerator<CommandLine> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    if (isCommandLine(line)) yield { number: ++number, command: line.trim() };
  }
}
