import type { HostEntry } from '../hosts/index.js';
import type { OutputListener, Transport } from '../transport/transport.js';
import type { FleetResult, OutputStream } from './events.js';
import { createSsh2Transport, type ConnectionOptions } from './default-transport.js';
import { LineSplitter } from './line-splitter.js';
import { runOnHosts, type HostEvents } from './run-on-hosts.js';
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
  /**
   * How many bytes of each stream every host's result keeps (the first ones; the result says
   * how many there were in all). Default DEFAULT_MAX_OUTPUT_BYTES (2 MiB); 0 keeps none, for
   * callers that take the output from the reporters as it arrives.
   */
  readonly maxOutputBytes?: number;
  /** Another way to reach hosts (the fake of lwt/testing); the caller closes it. Default: ssh2. */
  readonly transport?: Transport;
}

/**
 * Runs `command` on every host: the library behind `lwt exec`. Output reaches the reporters as
 * it arrives (onData, onLines); each result keeps at most `maxOutputBytes` of it, so memory
 * stays bounded whatever the hosts print. Resolves with every host's result (never rejects for
 * what a host did); throws only on bad arguments.
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
  const maxOutputBytes = options.maxOutputBytes;
  if (maxOutputBytes !== undefined && !(maxOutputBytes >= 0))
    throw new RangeError(`maxOutputBytes must be >= 0, got ${maxOutputBytes}`);
  const reporters = options.reporters ?? [];
  const targets = await resolveHostTargets(hosts, options);
  const transport = options.transport ?? createSsh2Transport(options);
  try {
    return await runOnHosts(
      targets,
      { parallel, stopper: options.stopper, reporters },
      async (target, events) => {
        const out = outputTo(events, 'stdout');
        const err = outputTo(events, 'stderr');
        try {
          return await transport.run(target, {
            command,
            stdin: options.stdin,
            timeoutMs: options.timeoutMs ?? 0,
            killAfterMs: options.killAfterMs ?? 2_000,
            signal: options.stopper?.signal,
            forceSignal: options.stopper?.forceSignal,
            maxOutputBytes,
            onStdout: out.push,
            onStderr: err.push,
          });
        } finally {
          out.flush();
          err.flush();
        }
      },
    );
  } finally {
    if (!options.transport) await transport.close();
  }
}

/**
 * Where one stream's chunks go: on as they are, and as lines, to whichever reporters want them.
 * `push` returns what the reporters asked the host to wait for, if anything.
 */
function outputTo(
  events: HostEvents,
  stream: OutputStream,
): { push: OutputListener; flush: () => void } {
  const data = events.wants('onData');
  let wait: Promise<void> | undefined;
  const lines = events.wants('onLines')
    ? new LineSplitter((bytes) => {
        wait = both(wait, events.output('onLines', stream, bytes));
      })
    : undefined;
  return {
    push: (chunk) => {
      wait = data ? events.output('onData', stream, chunk) : undefined;
      lines?.push(chunk);
      return wait;
    },
    flush: () => lines?.flush(),
  };
}

function both(
  a: Promise<void> | undefined,
  b: Promise<void> | undefined,
): Promise<void> | undefined {
  return a && b ? Promise.all([a, b]).then(() => undefined) : (a ?? b);
}
