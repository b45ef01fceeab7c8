import { runOnHosts } from '../fleet/run-on-hosts.js';
import type { FleetReporter, HostRef } from '../fleet/events.js';
import { isSuccess, type Outcome } from '../outcome/outcome.js';
import type { Stopper } from '../pool/stop.js';
import type { Ssh2Transport } from '../transport/ssh2/ssh2-transport.js';
import type { RemoteTarget } from '../transport/transport.js';
import { runWithinDeadline, type HostSession } from './host-deadline.js';
import { makeRunId } from './leftovers.js';
import {
  addCounts,
  type HostTransfer,
  type TransferReporter,
  type TransferResult,
} from './transfer-events.js';
import { newTally, NO_TRANSFER, type TransferCounts, type TransferTally } from './tree-entry.js';

/** What a host's job gets besides its session. */
export interface HostRun {
  /** Names this run's temporary files and staging folders on the host. */
  readonly runId: string;
  readonly onBytes: (n: number) => void;
  /** What the job moved and skipped so far; read also when the job fails. */
  readonly tally: TransferTally;
}

/** What one host's transfer is: its work, or an outcome decided before connecting (skipped). */
export type HostJob =
  | { readonly run: (session: HostSession, run: HostRun) => Promise<void> }
  | { readonly outcome: Outcome };

/**
 * The fan-out that put and get share: each host's job within its deadline, under the
 * concurrency limit of runOnHosts, with the counts of each host carried to the reporters.
 */
export async function runTransfer(
  targets: readonly RemoteTarget[],
  jobs: readonly HostJob[],
  options: {
    readonly transport: Ssh2Transport;
    readonly parallel: number;
    readonly timeoutMs: number;
    readonly stopper?: Stopper;
    readonly reporters: readonly TransferReporter[];
  },
): Promise<TransferResult> {
  const counts = new Map<string, TransferCounts>();
  const reporters = options.reporters;
  const withCounts = (result: { name: string }) => counts.get(result.name) ?? NO_TRANSFER;
  const bridge: FleetReporter = {
    onHostStart: (host) => reporters.forEach((r) => r.onHostStart?.(host)),
    onHostEnd: (result) => {
      const transfer: HostTransfer = { ...result, files: withCounts(result) };
      reporters.forEach((r) => r.onHostEnd?.(transfer));
    },
    onNote: (message) => reporters.forEach((r) => r.onNote?.(message)),
  };
  const jobOf = new Map(targets.map((t, i) => [t, jobs[i]]));
  const fleet = await runOnHosts(
    targets,
    { parallel: options.parallel, stopper: options.stopper, reporters: [bridge] },
    async (target, host: HostRef) => {
      const job = jobOf.get(target);
      if (!job) throw new Error(`no job for ${target.name}`);
      if ('outcome' in job) return { outcome: job.outcome, stdout: '', stderr: '' };
      // Unique per host: loopback hosts can share one file system, and so a folder.
      const runId = makeRunId();
      const onBytes = (n: number) => reporters.forEach((r) => r.onBytes?.(host, n));
      const tally = newTally();
      const outcome = await runWithinDeadline(
        options.transport,
        target,
        { timeoutMs: options.timeoutMs, signal: options.stopper?.signal },
        (session) => job.run(session, { runId, onBytes, tally }),
      );
      counts.set(target.name, { ...tally });
      return { outcome, stdout: '', stderr: '' };
    },
  );
  const results = fleet.results.map((r) => ({ ...r, files: withCounts(r) }));
  const result: TransferResult = {
    ...fleet,
    results,
    ok: results.filter((r) => isSuccess(r.outcome)),
    failed: results.filter((r) => !isSuccess(r.outcome)),
    files: results.reduce((sum, r) => addCounts(sum, r.files), NO_TRANSFER),
  };
  reporters.forEach((r) => r.onRunEnd?.(result));
  return result;
}
