import type { Stopper } from '../pool/stop.js';
import type { HostKeyPolicy } from '../transport/ssh2/host-key.js';
import { Ssh2Transport } from '../transport/ssh2/ssh2-transport.js';
import type { Transport } from '../transport/transport.js';
import type { FleetReporter } from './events.js';

/** Connection settings every fleet command shares. */
export interface ConnectionOptions {
  /** Deadline for TCP, key exchange and auth, in ms; default 10 s. */
  readonly connectTimeoutMs?: number;
  /**
   * Unknown host keys: remember (accept-new), refuse (yes), or skip checks (no). Default: each
   * host's StrictHostKeyChecking from the ssh config, else accept-new.
   */
  readonly hostKeyPolicy?: HostKeyPolicy;
  readonly stopper?: Stopper;
  readonly reporters?: readonly FleetReporter[];
}

/**
 * The ssh2 transport as every fleet command sets it up: keepalive on, the agent if any. Pass
 * one to several calls (exec, put, get) to share their connections; close it when done.
 */
export function createSsh2Transport(options: ConnectionOptions): Transport {
  return new Ssh2Transport({
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    hostKeyPolicy: options.hostKeyPolicy,
    agentSocket: process.env.SSH_AUTH_SOCK || undefined,
    // ssh2 sends no keepalives by default, and a frozen host then hangs a run forever.
    keepaliveIntervalMs: 5_000,
    keepaliveCountMax: 3,
    signal: options.stopper?.signal,
    onNote: (message) => options.reporters?.forEach((r) => r.onNote?.(message)),
  });
}
