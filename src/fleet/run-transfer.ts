import { runWithinDeadline, type HostRun, type HostSession } from '../files/host-deadline.js';
import { makeRunId } from '../files/leftovers.js';
import { newTally, NO_TRANSFER, type TransferCounts } from '../files/tree-entry.js';
import { isSuccess, type Outcome } from '../outcome/outcome.js';
import type { Stopper } from '../pool/stop.js';
import { NO_OUTPUT } from '../transport/output-capture.js';
import type { RemoteTarget, Transport } from '../transport/transport.js';
import type { FleetReporter, HostRef } from './events.js';
import { ReporterCalls } from './reporter-calls.js';
import { runOnHosts } from './run-on-hosts.js';
import {
  addCounts,
  type HostTransfer,
  type TransferReporter,
  type TransferResult,
} from './transfer-events.js';

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
    readonly transport: Transport;
    readonly parallel: number;
    readonly timeoutMs: number;
    readonly stopper?: Stopper;
    readonly reporters: readonly TransferReporter[];
  },
): Promise<TransferResult> {
  const counts = new Map<string, TransferCounts>();
  const reporters = new ReporterCalls(options.reporters);
  const withCounts = (result: { name: string }) => counts.get(result.name) ?? NO_TRANSFER;
  // Every transfer reporter is called; the first failure goes on to the fan-out, which makes
  // it the host's.
  const passOn = (failure: string | undefined) => {
    if (failure !== undefined) throw new Error(failure);
  };
  const bridge: FleetReporter = {
    onHostStart: (host) => passOn(reporters.call('onHostStart', host)),
    onHostEnd: (result) => {
      const transfer: HostTransfer = { ...result, files: withCounts(result) };
      passOn(reporters.call('onHostEnd', transfer));
    },
    onNote: (message) => reporters.note(message),
  };
  const jobOf = new Map(targets.map((t, i) => [t, jobs[i]]));
  const fleet = await runOnHosts(
    targets,
    { parallel: options.parallel, stopper: options.stopper, reporters: [bridge] },
    async (target, events) => {
      const job = jobOf.get(target);
      if (!job) throw new Error(`no job for ${target.name}`);
      if ('outcome' in job) return { outcome: job.outcome, ...NO_OUTPUT };
      // Unique per host: loopback hosts can share one file system, and so a folder.
      const runId = makeRunId();
      const host: HostRef = events.host;
      const onBytes = (n: number) => {
        const failure = reporters.call('onBytes', host, n);
        if (failure !== undefined) events.fail(failure);
      };
      const tally = newTally();
      const outcome = await runWithinDeadline(
        options.transport,
        target,
        { timeoutMs: options.timeoutMs, signal: options.stopper?.signal },
        (session) => job.run(session, { runId, onBytes, tally }),
      );
      counts.set(target.name, { ...tally });
      return { outcome, ...NO_OUTPUT };
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
  reporters.callForRun('onRunEnd', result);
  return result;
}
