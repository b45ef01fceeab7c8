import type { FleetResult } from '../fleet/events.js';
import { createSsh2Transport, type ConnectionOptions } from '../fleet/default-transport.js';
import { runOnHosts } from '../fleet/run-on-hosts.js';
import { resolveHostTargets, type SshOptions } from '../fleet/targets.js';
import type { HostEntry } from '../hosts/index.js';
import type { RemoteTarget, Transport } from '../transport/transport.js';

export interface PerHostOptions extends SshOptions, ConnectionOptions {
  readonly parallel: number;
  /** Deadline for each host's script once connected, in ms. */
  readonly timeoutMs: number;
  /** Another way to reach hosts (a fake in tests); the caller closes it. */
  readonly transport?: Transport;
}

/**
 * Runs a small script of lwt's own on every host, the script chosen per host (it takes the
 * host's home as an argument). The wrapper does not enter the home first: these scripts are
 * the ones that find out whether it exists.
 */
export async function runScriptPerHost(
  hosts: readonly HostEntry[],
  commandFor: (target: RemoteTarget) => string,
  options: PerHostOptions,
): Promise<FleetResult> {
  const targets = await resolveHostTargets(hosts, options);
  const transport = options.transport ?? createSsh2Transport(options);
  try {
    return await runOnHosts(
      targets,
      { parallel: options.parallel, stopper: options.stopper, reporters: options.reporters ?? [] },
      (target) =>
        transport.run(target, {
          command: commandFor(target),
          inHome: false,
          timeoutMs: options.timeoutMs,
          killAfterMs: 1000,
          signal: options.stopper?.signal,
          forceSignal: options.stopper?.forceSignal,
        }),
    );
  } finally {
    if (!options.transport) await transport.close();
  }
}
