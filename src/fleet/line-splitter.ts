import { utf8Boundary } from '../transport/output-capture.js';

/** The longest line passed on whole; a longer one is passed on in pieces of this size. */
export const MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const NEWLINE_BUFFER = Buffer.from('\n');

/**
 * Turns output chunks into runs of whole lines, so that many hosts' output can be interleaved
 * line by line but never mid-line. Linear in the output: each chunk is searched once for its
 * last newline, and what follows it waits for the next chunk (a chunk with no newline is
 * held, not joined to what came before and searched again). A line that grows past `maxLine`
 * is passed on in pieces, cut between characters, so memory stays bounded whatever a host
 * prints. Bytes are passed on as they came: no decoding, no copy of a chunk that ends a line.
 */
export class LineSplitter {
  readonly #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(
    private readonly onLines: (lines: Buffer) => void,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.#hold(chunk);
      return;
    }
    const head = chunk.subarray(0, last + 1);
    const region = this.#pendingBytes === 0 ? head : this.#takePending(head);
    this.#emit(region);
    if (last + 1 < chunk.length) this.#hold(chunk.subarray(last + 1));
  }

  /** Passes on the last line when the output did not end with a newline. */
  flush(): void {
    if (this.#pendingBytes === 0) return;
    this.onLines(Buffer.concat([this.#takePending(), NEWLINE_BUFFER]));
  }

  /** What waits for its newline, with `tail` after it, as one buffer. */
  #takePending(tail?: Buffer): Buffer {
    if (tail) this.#pending.push(tail);
    const whole =
      this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    this.#pending.length = 0;
    this.#pendingBytes = 0;
    return whole;
  }

  /** Keeps a part of a line; once it is longer than a line may be, passes on pieces of it. */
  #hold(part: Buffer): void {
    this.#pending.push(part);
    this.#pendingBytes += part.length;
    if (this.#pendingBytes <= this.maxLine) return;
    let rest = this.#takePending();
    while (rest.length > this.maxLine) {
      const cut = pieceEnd(rest, this.maxLine);
      this.onLines(Buffer.concat([rest.subarray(0, cut), NEWLINE_BUFFER]));
      rest = rest.subarray(cut);
    }
    if (rest.length > 0) {
      this.#pending.push(rest);
      this.#pendingBytes = rest.length;
    }
  }

  /** Whole lines; any longer than a line may be is cut into pieces first. */
  #emit(lines: Buffer): void {
    // Shorter than the limit, no line in it can be longer: the usual case, passed on as is.
    if (lines.length <= this.maxLine) {
      this.onLines(lines);
      return;
    }
    let from = 0; // The first byte not yet passed on.
    let start = 0; // Where the current line starts.
    while (start < lines.length) {
      const end = lines.indexOf(NEWLINE, start) + 1;
      // The limit is on what a line holds, its newline left out.
      if (end - 1 - start > this.maxLine) {
        if (start > from) this.onLines(lines.subarray(from, start));
        let piece = start;
        while (end - 1 - piece > this.maxLine) {
          const cut = piece + pieceEnd(lines.subarray(piece, end), this.maxLine);
          this.onLines(Buffer.concat([lines.subarray(piece, cut), NEWLINE_BUFFER]));
          piece = cut;
        }
        from = piece;
      }
      start = end;
    }
    if (from < lines.length) this.onLines(lines.subarray(from));
  }
}

/** Where a piece of at most `max` bytes of `bytes` ends: between two characters where it can. */
function pieceEnd(bytes: Buffer, max: number): number {
  const cut = utf8Boundary(bytes, max);
  return cut > 0 ? cut : max;
}
