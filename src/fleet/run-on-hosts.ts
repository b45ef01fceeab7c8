import { describeOutcome, isSuccess, type Outcome } from '../outcome/outcome.js';
import { runLimited } from '../pool/limit.js';
import type { Stopper } from '../pool/stop.js';
import { NO_OUTPUT, type CapturedOutput } from '../transport/output-capture.js';
import type { RemoteTarget } from '../transport/transport.js';
import type { FleetReporter, FleetResult, HostRef, HostResult, OutputStream } from './events.js';
import { ReporterCalls } from './reporter-calls.js';

/** What one host's work ends with. */
export interface HostWork extends CapturedOutput {
  readonly outcome: Outcome;
}

/** Output events of one host, passed to the reporters by the fan-out. */
export interface HostEvents {
  readonly host: HostRef;
  /** Whether a reporter listens to `hook` (so that the work to feed it can be skipped). */
  wants(hook: 'onData' | 'onLines'): boolean;
  /** Passes output on; a promise when a reporter asked to hold the host's further output. */
  output(
    hook: 'onData' | 'onLines',
    stream: OutputStream,
    bytes: Buffer,
  ): Promise<void> | undefined;
  /** A reporter failed on this host's behalf (the first failure is the one kept). */
  fail(message: string): void;
}

/**
 * The fan-out every fleet command shares: `work` on each target, at most `parallel` at once,
 * reporters told as hosts start, print and end. Every target gets exactly one result, in the
 * order given; one never started because of a stop is `canceled`. A reporter that fails on a
 * host's event makes that host's outcome an `error` that names the failure and keeps the
 * host's own outcome in its message; the other hosts and reporters go on.
 */
export async function runOnHosts(
  targets: readonly RemoteTarget[],
  options: {
    readonly parallel: number;
    readonly stopper?: Stopper;
    readonly reporters: readonly FleetReporter[];
  },
  work: (target: RemoteTarget, events: HostEvents) => Promise<HostWork>,
): Promise<FleetResult> {
  const started = performance.now();
  const results: Array<HostResult | undefined> = new Array(targets.length);
  const reporters = new ReporterCalls(options.reporters);
  await runLimited(
    targets.map((target, index) => ({ target, index })),
    options.parallel,
    async ({ target, index }) => {
      const host = refOf(target);
      let failure = reporters.call('onHostStart', host);
      const fail = (message: string) => {
        failure ??= message;
      };
      const events: HostEvents = {
        host,
        wants: (hook) => reporters.has(hook),
        output: (hook, stream, bytes) => reporters.callHolding(fail, hook, host, stream, bytes),
        fail,
      };
      const startedAt = new Date();
      const t0 = performance.now();
      const done = await work(target, events);
      const ended: HostResult = { ...host, ...done, startedAt, durationMs: performance.now() - t0 };
      let result = failure === undefined ? ended : withFailure(ended, failure);
      const atEnd = reporters.call('onHostEnd', result);
      if (failure === undefined && atEnd !== undefined) result = withFailure(ended, atEnd);
      results[index] = result;
    },
    options.stopper?.signal,
  );
  const now = new Date();
  const all = targets.map(
    (target, index) =>
      results[index] ?? {
        ...refOf(target),
        outcome: { kind: 'canceled' as const },
        ...NO_OUTPUT,
        startedAt: now,
        durationMs: 0,
      },
  );
  const fleet: FleetResult = {
    results: all,
    ok: all.filter((r) => isSuccess(r.outcome)),
    failed: all.filter((r) => !isSuccess(r.outcome)),
    durationMs: performance.now() - started,
    interrupted: options.stopper?.stopped ?? false,
  };
  reporters.callForRun('onRunEnd', fleet);
  return fleet;
}

/** The host's result as an `error` for what a reporter could not do, its own outcome kept. */
function withFailure(result: HostResult, failure: string): HostResult {
  const message = `${failure} (on the host: ${describeOutcome(result.outcome)})`;
  return { ...result, outcome: { kind: 'error', message } };
}

function refOf(target: RemoteTarget): HostRef {
  return { name: target.name, user: target.settings.user, port: target.settings.port };
}
