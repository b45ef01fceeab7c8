import { StringDecoder } from 'node:string_decoder';

/**
 * Turns chunks into whole lines, so that output from many hosts can be interleaved line by
 * line but never mid-line. A multi-byte character split across chunks stays whole.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.#partial + this.#decoder.write(chunk);
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  /** Emits the last line when the output did not end with a newline. */
  flush(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.onLine(rest);
  }
}
