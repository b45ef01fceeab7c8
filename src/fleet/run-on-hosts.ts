import { isSuccess, type Outcome } from '../outcome/outcome.js';
import { runLimited } from '../pool/limit.js';
import type { Stopper } from '../pool/stop.js';
import type { RemoteTarget } from '../transport/transport.js';
import type { FleetReporter, FleetResult, HostRef, HostResult } from './events.js';

export interface HostWork {
  readonly outcome: Outcome;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The fan-out every fleet command shares: `work` on each target, at most `parallel` at once,
 * reporters told as hosts start and end. Every target gets exactly one result, in the order
 * given; one never started because of a stop is `canceled`.
 */
export async function runOnHosts(
  targets: readonly RemoteTarget[],
  options: {
    readonly parallel: number;
    readonly stopper?: Stopper;
    readonly reporters: readonly FleetReporter[];
  },
  work: (target: RemoteTarget, host: HostRef) => Promise<HostWork>,
): Promise<FleetResult> {
  const started = performance.now();
  const results: Array<HostResult | undefined> = new Array(targets.length);
  const notify = <K extends keyof FleetReporter>(
    hook: K,
    ...args: Parameters<NonNullable<FleetReporter[K]>>
  ) => {
    for (const r of options.reporters)
      (r[hook] as ((...a: typeof args) => void) | undefined)?.(...args);
  };
  await runLimited(
    targets.map((target, index) => ({ target, index })),
    options.parallel,
    async ({ target, index }) => {
      const host = refOf(target);
      notify('onHostStart', host);
      const startedAt = new Date();
      const t0 = performance.now();
      const done = await work(target, host);
      const result: HostResult = {
        ...host,
        ...done,
        startedAt,
        durationMs: performance.now() - t0,
      };
      results[index] = result;
      notify('onHostEnd', result);
    },
    options.stopper?.signal,
  );
  const now = new Date();
  const all = targets.map(
    (target, index) =>
      results[index] ?? {
        ...refOf(target),
        outcome: { kind: 'canceled' as const },
        stdout: '',
        stderr: '',
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
  notify('onRunEnd', fleet);
  return fleet;
}

function refOf(target: RemoteTarget): HostRef {
  return { name: target.name, user: target.settings.user, port: target.settings.port };
}
