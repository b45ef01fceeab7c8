import type { TransferCounts } from '../files/tree-entry.js';
import type { FleetResult, HostRef, HostResult } from './events.js';

/** A host's result with what it moved. */
export interface HostTransfer extends HostResult {
  readonly files: TransferCounts;
}

/** Every host's transfer, in the order the hosts were given. */
export interface TransferResult extends Omit<FleetResult, 'results' | 'ok' | 'failed'> {
  readonly results: readonly HostTransfer[];
  readonly ok: readonly HostTransfer[];
  readonly failed: readonly HostTransfer[];
  /** The sum over hosts. */
  readonly files: TransferCounts;
}

/** Hooks over a put or a get; every one is optional. */
export interface TransferReporter {
  onHostStart?(host: HostRef): void;
  /** Bytes just moved for `host` (many small calls while data flows). */
  onBytes?(host: HostRef, bytes: number): void;
  onHostEnd?(result: HostTransfer): void;
  onRunEnd?(result: TransferResult): void;
  onNote?(message: string): void;
}

/** Sums counts. */
export function addCounts(a: TransferCounts, b: TransferCounts): TransferCounts {
  return {
    filesCopied: a.filesCopied + b.filesCopied,
    bytesCopied: a.bytesCopied + b.bytesCopied,
    filesSkipped: a.filesSkipped + b.filesSkipped,
    bytesSkipped: a.bytesSkipped + b.bytesSkipped,
  };
}
