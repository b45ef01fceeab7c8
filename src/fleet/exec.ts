import type { HostEntry } from '../hosts/index.js';
import type { Transport } from '../transport/transport.js';
import type { FleetResult } from './events.js';
import { createSsh2Transport, type ConnectionOptions } from './default-transport.js';
import { LineSplitter } from './line-splitter.js';
import { runOnHosts } from './run-on-hosts.js';
import { resolveHostTargets, type SshOptions } from './targets.js';

export interface ExecOptions extends SshOptions, ConnectionOptions {
  /** Hosts at once (pssh -p); default 64. */
  readonly parallel?: number;
  /** Deadline for the command on each host once connected, in ms; 0 or none for no deadline. */
  readonly timeoutMs?: number;
  /** Grace between TERM and KILL of a remote tree; default 2 s. */
  readonly killAfterMs?: number;
  /** Sent to every host's command as its standard input (pssh -I). */
  readonly stdin?: Buffer;
  /** Another way to reach hosts (a fake in tests); the caller closes it. Default: ssh2. */
  readonly transport?: Transport;
}

/**
 * Runs `command` on every host: the library behind `lwt exec`. Resolves with every host's
 * result (never rejects for what a host did); throws only on bad arguments.
 */
export async function exec(
  hosts: readonly HostEntry[],
  command: string,
  options: ExecOptions = {},
): Promise<FleetResult> {
  const parallel = options.parallel ?? 64;
  if (!Number.isInteger(parallel) || parallel < 1)
    throw new RangeError(`parallel must be >= 1, got ${parallel}`);
  if (command.trim() === '') throw new RangeError('the command is empty');
  const reporters = options.reporters ?? [];
  const targets = await resolveHostTargets(hosts, options);
  const transport = options.transport ?? createSsh2Transport(options);
  try {
    return await runOnHosts(
      targets,
      { parallel, stopper: options.stopper, reporters },
      (target, host) => {
        const out = new LineSplitter((line) =>
          reporters.forEach((r) => r.onOutput?.(host, 'stdout', line)),
        );
        const err = new LineSplitter((line) =>
          reporters.forEach((r) => r.onOutput?.(host, 'stderr', line)),
        );
        return transport
          .run(target, {
            command,
            stdin: options.stdin,
            timeoutMs: options.timeoutMs ?? 0,
            killAfterMs: options.killAfterMs ?? 2_000,
            signal: options.stopper?.signal,
            forceSignal: options.stopper?.forceSignal,
            onStdout: (chunk) => out.push(chunk),
            onStderr: (chunk) => err.push(chunk),
          })
          .finally(() => {
            out.flush();
            err.flush();
          });
      },
    );
  } finally {
    if (!options.transport) await transport.close();
  }
}
