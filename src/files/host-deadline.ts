import type { Client } from 'ssh2';
import type { Outcome } from '../outcome/outcome.js';
import type { Ssh2Transport } from '../transport/ssh2/ssh2-transport.js';
import type { RemoteTarget } from '../transport/transport.js';
import { SftpSession } from './sftp-session.js';
import { TransferAborted } from './transfer-error.js';

/** What one host's transfer works with: its connection, SFTP, and the abort that bounds both. */
export interface HostSession {
  readonly target: RemoteTarget;
  readonly client: Client;
  readonly transport: Ssh2Transport;
  /** Aborted at the deadline, on a stop, or when the connection closes. */
  readonly signal: AbortSignal;
  /** The SFTP session, opened on first use. */
  sftp(): Promise<SftpSession>;
  /** Milliseconds left before the deadline; 0 when there is none. */
  remainingMs(): number;
}

export interface HostDeadlineOptions {
  /** Bounds the whole transfer once connected; 0 for none. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Runs one host's transfer within its deadline and always settles with one outcome. The
 * deadline, a stop, or a closed connection abort every pending operation and destroy the
 * connection: ssh2 may lose SFTP callbacks on a dead connection, and a remote tar stops when
 * its channel goes (the remote wrapper's watchdog). A TransferError is the host's `error`
 * outcome, its message naming the path and the reason.
 */
export async function runWithinDeadline(
  transport: Ssh2Transport,
  target: RemoteTarget,
  options: HostDeadlineOptions,
  work: (session: HostSession) => Promise<void>,
): Promise<Outcome> {
  if (options.signal?.aborted) return { kind: 'canceled' };
  const connection = await transport.connection(target);
  if (!connection.ok) return connection.outcome;
  const client = connection.client;
  const controller = new AbortController();
  const started = performance.now();
  let reason: Outcome | undefined;
  const abort = (why: Outcome, message: string) => {
    if (controller.signal.aborted) return;
    reason = why;
    controller.abort(new TransferAborted(message));
    transport.discard(target, client);
  };
  const onClose = () =>
    abort(
      { kind: 'unreachable', stage: 'reset', message: 'connection lost during the transfer' },
      'connection lost',
    );
  const onStop = () => abort({ kind: 'canceled' }, 'canceled');
  client.once('close', onClose);
  options.signal?.addEventListener('abort', onStop, { once: true });
  const timer =
    options.timeoutMs > 0
      ? setTimeout(
          () => abort({ kind: 'timeout', phase: 'run', afterMs: options.timeoutMs }, 'timed out'),
          options.timeoutMs,
        )
      : undefined;
  let sftp: Promise<SftpSession> | undefined;
  const session: HostSession = {
    target,
    client,
    transport,
    signal: controller.signal,
    sftp: () => (sftp ??= SftpSession.open(client, controller.signal)),
    remainingMs: () =>
      options.timeoutMs > 0 ? Math.max(1, options.timeoutMs - (performance.now() - started)) : 0,
  };
  try {
    await work(session);
    return reason ?? { kind: 'ok' };
  } catch (error) {
    if (reason) return reason;
    // A failure of this host is its outcome, never the whole run's: a TransferError names the
    // path; anything else (a local disk error not caught at its source) says what it can.
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'error', message };
  } finally {
    clearTimeout(timer);
    client.removeListener('close', onClose);
    options.signal?.removeEventListener('abort', onStop);
    // The SFTP channel is this transfer's own; the connection stays for others.
    if (!controller.signal.aborted)
      void sftp?.then(
        (s) => s.end(),
        () => undefined,
      );
  }
}
