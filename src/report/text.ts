/** Splits output into lines without a trailing empty line for the final newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Prefixes each line of `text` with `prefix`; the result always ends with a newline. */
export function prefixLines(text: string, prefix: string): string {
  const lines = splitLines(text);
  return lines.length === 0 ? '' : lines.map((line) => prefix + line).join('\n') + '\n';
}

/** `text` ending with exactly the newline it had, or one added when it had none. */
export function withFinalNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : text + '\n';
}

/** Where reporters write; injected so that tests capture what a user would see. */
export interface OutputStreams {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}
