import { describeOutcome, type Outcome } from '../outcome/outcome.js';
import type { HostConnection, RemoteTarget, Transport } from '../transport/transport.js';
import { measureBandwidth, type BandwidthResult, type TestFile } from './bandwidth.js';
import type { CheckRecord, CheckStage, HostFigures } from './check-record.js';
import { buildProbeCommand, parseProbeOutput } from './probe-script.js';
import { evaluateThresholds, type Thresholds } from './thresholds.js';

export interface CheckHostOptions {
  readonly thresholds: Thresholds;
  /** Deadline for the probe, the checks and the transfers once connected, in ms. */
  readonly timeoutMs: number;
  /** Given: measure put and get rates with this file. */
  readonly testFile?: TestFile;
  readonly signal?: AbortSignal;
  readonly forceSignal?: AbortSignal;
}

/**
 * Checks one candidate: connect (timed; the transport's connect deadline bounds it), run the
 * probe, optionally the transfer test, then judge the figures. Resolves with the record to
 * keep, or undefined when the check was canceled before it learned anything.
 */
export async function checkHost(
  transport: Transport,
  target: RemoteTarget,
  options: CheckHostOptions,
): Promise<CheckRecord | undefined> {
  const at = new Date().toISOString();
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  const connection = await transport.connect(target);
  const connectMs = elapsed();
  if (!connection.ok) {
    if (connection.outcome.kind === 'canceled') return undefined;
    return unreachable(at, elapsed(), stageOf(connection.outcome), connection.outcome, {}, '');
  }
  const deadline = performance.now() + options.timeoutMs;
  // The wrapper would cd to home first and fail when it is missing; the probe reports that.
  const probe = await connection.host.run({
    command: buildProbeCommand(target.home, options.thresholds.checks),
    inHome: false,
    timeoutMs: options.timeoutMs,
    killAfterMs: 1000,
    signal: options.signal,
    forceSignal: options.forceSignal,
  });
  if (probe.outcome.kind === 'canceled') return undefined;
  // A probe that started and then ran out of time met a host that answers but hangs on
  // something (a --check, df on a dead NFS mount): unhealthy, with what it said until then.
  const hung = probe.outcome.kind === 'timeout' && /^hostname=/m.test(probe.stdout);
  if (probe.outcome.kind !== 'ok' && !hung) {
    const said = probe.stderr.trim().split('\n')[0] ?? '';
    return unreachable(at, elapsed(), 'probe', probe.outcome, { connectMs }, said);
  }
  const seconds = (options.timeoutMs / 1000).toFixed(1);
  const report = parseProbeOutput(
    probe.stdout,
    options.thresholds.checks,
    hung ? `did not finish within ${seconds}s` : undefined,
  );
  let figures: HostFigures = { ...report.figures, connectMs };
  let bandwidthError: string | undefined;
  if (options.testFile && !hung && figures.homeExists && figures.home) {
    const remaining = Math.max(0, deadline - performance.now());
    const measured = await boundedBandwidth(
      connection.host,
      options.testFile,
      figures.home,
      remaining,
      options.signal,
    );
    if (measured.ok) {
      const { putBytesPerSecond, getBytesPerSecond } = measured;
      figures = { ...figures, putBytesPerSecond, getBytesPerSecond };
    } else {
      bandwidthError = measured.message;
      // The transfer may still hold channels on a wedged connection; never reuse it.
      connection.host.discard();
    }
  }
  const failed = evaluateThresholds(figures, report.checks, options.thresholds, bandwidthError);
  if (hung && !failed.some((f) => f.threshold === 'check')) {
    failed.unshift({ threshold: 'timeout', message: `probe not done within ${seconds}s` });
  }
  const base = { at, figures, durationMs: elapsed() };
  if (failed.length === 0) return { ...base, status: 'available', why: '' };
  return { ...base, status: 'unhealthy', failed, why: failed.map((f) => f.message).join('; ') };
}

/** The transfer test within what is left of the host's deadline, and stopped by a stop. */
async function boundedBandwidth(
  host: HostConnection,
  file: TestFile,
  home: string,
  remainingMs: number,
  signal: AbortSignal | undefined,
): Promise<BandwidthResult> {
  if (remainingMs <= 0) return { ok: false, message: 'no time left' };
  const seconds = (remainingMs / 1000).toFixed(1);
  const bound = AbortSignal.any([
    AbortSignal.timeout(Math.ceil(remainingMs)),
    ...(signal ? [signal] : []),
  ]);
  try {
    const measured = await measureBandwidth(await host.openFiles(bound), file, home);
    if (!bound.aborted) return measured;
  } catch (error) {
    if (!bound.aborted) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
  return { ok: false, message: signal?.aborted ? 'canceled' : `not done within ${seconds}s` };
}

function unreachable(
  at: string,
  durationMs: number,
  stage: CheckStage,
  outcome: Outcome,
  figures: HostFigures,
  said: string,
): CheckRecord {
  const why = `${stage === 'probe' ? 'probe ' : ''}${describeOutcome(outcome)}${said ? `: ${said}` : ''}`;
  return { at, status: 'unreachable', stage, outcome, why, figures, durationMs };
}

/** Where a connection broke, from its outcome. */
export function stageOf(outcome: Outcome): CheckStage {
  if (outcome.kind === 'unreachable') return outcome.stage;
  if (outcome.kind === 'timeout') return 'connect-timeout';
  if (outcome.kind === 'canceled') return 'canceled';
  return 'reset';
}
