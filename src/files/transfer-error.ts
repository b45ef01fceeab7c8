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

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02), as ssh2 puts them on `error.code`. */
const SFTP_REASONS: Record<number, string> = {
  2: 'no such file or directory',
  3: 'permission denied',
  4: 'failure',
  5: 'bad message',
  6: 'no connection',
  7: 'connection lost',
  8: 'operation not supported',
};

/** The words for an ssh2 SFTP error: OpenSSH's sftp-server maps errno onto these few codes. */
export function sftpReason(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number' && SFTP_REASONS[code]) return SFTP_REASONS[code];
  return error instanceof Error ? error.message : String(error);
}

/** Whether an SFTP error says the path does not exist (which is not a failure for a lookup). */
export function isNoSuchFile(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 2;
}
