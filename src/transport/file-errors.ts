/**
 * A file operation that failed on one side of a transfer: the path and the reason in a user's
 * words ("permission denied", "no space left on device"). It ends that host's transfer; the
 * message becomes the host's one line in the summary.
 */
export class TransferError extends Error {
  readonly code = 'LWT_TRANSFER';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'TransferError';
  }
}

/** The deadline passed or a stop was asked: every pending operation of the host rejects with it. */
export class TransferAborted extends Error {
  readonly code = 'LWT_TRANSFER_ABORTED';
  constructor(readonly why: string) {
    super(why);
    this.name = 'TransferAborted';
  }
}

/** The reason an aborted signal carries, as the TransferAborted every pending operation gets. */
export function abortReason(signal: AbortSignal): TransferAborted {
  const reason: unknown = signal.reason;
  return reason instanceof TransferAborted ? reason : new TransferAborted('aborted');
}
