/**
 * A status line at the bottom of a terminal ("12/200 done, 1 failed, 3.4s"). Other output
 * goes around it: `clear()` before writing, and the next `draw()` puts it back. Only used when
 * stderr is a terminal; off a terminal it would be noise in logs.
 */
export class LiveLine {
  #text = '';
  #shown = false;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  draw(text: string): void {
    this.#text = text;
    this.stream.write(`\r\x1b[K${text}`);
    this.#shown = true;
  }

  clear(): void {
    if (!this.#shown) return;
    this.stream.write('\r\x1b[K');
    this.#shown = false;
  }

  /** Puts the last text back after other output cleared it. */
  restore(): void {
    if (!this.#shown && this.#text !== '') this.draw(this.#text);
  }
}
