/**
 * A mistake in how lwt was called or configured: nothing ran. The CLI prints its message as one
 * line and exits 2; `where` names the file and line when the mistake is in a file.
 */
export class UsageError extends Error {
  readonly code = 'LWT_USAGE';
  constructor(
    message: string,
    readonly where?: { readonly file: string; readonly line?: number },
  ) {
    super(message);
    this.name = 'UsageError';
  }

  /** "hosts:3: bad range ..." or the bare message. */
  format(): string {
    if (!this.where) return this.message;
    const at =
      this.where.line === undefined ? this.where.file : `${this.where.file}:${this.where.line}`;
    return `${at}: ${this.message}`;
  }
}
