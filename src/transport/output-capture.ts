/**
 * How much of each stream a result keeps by default: the first 2 MiB. Enough for any answer
 * meant to be read whole (and for `-b` to group hosts by it); a host that prints gigabytes
 * costs 2 MiB, not gigabytes, and ten hosts that print 100 MB each stay well under 200 MB of
 * memory with --json (4 MiB came to ~200; NOTES.md, 2026-12-03). Everything else goes to the
 * output callbacks as it arrives.
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 2 * 1024 * 1024;

/** What a command printed, as far as it is kept, and how much it was in all. */
export interface CapturedOutput {
  /** The first `maxOutputBytes` of standard output (whole characters only). */
  readonly stdout: string;
  readonly stderr: string;
  /** Bytes written to each stream, kept or not. */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** Whether the text is only the start of what was written. */
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
}

/** No output at all (a host never reached, a transfer). */
export const NO_OUTPUT: CapturedOutput = {
  stdout: '',
  stderr: '',
  stdoutBytes: 0,
  stderrBytes: 0,
  stdoutTruncated: false,
  stderrTruncated: false,
};

/** Keeps the first `limit` bytes of a stream and counts the rest. */
export class StreamCapture {
  /** The kept bytes, in one buffer that grows by doubling (a copy, never a view of a chunk). */
  #kept = Buffer.alloc(0);
  #length = 0;
  #total = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.#total += chunk.length;
    const take = Math.min(this.limit - this.#length, chunk.length);
    if (take <= 0) return;
    const needed = this.#length + take;
    if (needed > this.#kept.length) {
      const grown = Buffer.allocUnsafe(
        Math.min(this.limit, Math.max(needed, 2 * this.#kept.length, 4096)),
      );
      this.#kept.copy(grown, 0, 0, this.#length);
      this.#kept = grown;
    }
    chunk.copy(this.#kept, this.#length, 0, take);
    this.#length = needed;
  }

  get total(): number {
    return this.#total;
  }

  get truncated(): boolean {
    return this.#total > this.#length;
  }

  /** The kept bytes as text; a character cut in two at the limit is left out whole. */
  text(): string {
    const end = this.truncated ? utf8Boundary(this.#kept, this.#length) : this.#length;
    return this.#kept.toString('utf8', 0, end);
  }
}

/** Both streams' captures as the result fields. */
export function capturedOutput(stdout: StreamCapture, stderr: StreamCapture): CapturedOutput {
  return {
    stdout: stdout.text(),
    stderr: stderr.text(),
    stdoutBytes: stdout.total,
    stderrBytes: stderr.total,
    stdoutTruncated: stdout.truncated,
    stderrTruncated: stderr.truncated,
  };
}

/**
 * The length of `bytes` without a UTF-8 character that the end cuts in two: at most three
 * bytes are looked at, so bytes that are not UTF-8 at all are kept as they are.
 */
export function utf8Boundary(bytes: Uint8Array, end = bytes.length): number {
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back] as number;
    if ((byte & 0xc0) !== 0x80) {
      // A lead byte: how many bytes its character needs.
      const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
      return needs > back ? end - back : end;
    }
  }
  return end;
}
