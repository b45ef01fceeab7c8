import { join } from 'node:path';
import { createSsh2Transport, type ConnectionOptions } from '../fleet/default-transport.js';
import { resolveHostTargets, type SshOptions } from '../fleet/targets.js';
import type { HostEntry } from '../hosts/index.js';
import { createTestFile } from './bandwidth.js';
import type { CheckRecord } from './check-record.js';
import { checkHosts, type HostCheck } from './check-hosts.js';
import { recordChecks, type HostsState } from './hosts-state.js';
import { loadHostsState, saveHostsState, STATE_FILE_NAME } from './state-store.js';
import type { Thresholds } from './thresholds.js';
import { UsageError } from '../usage-error.js';

export interface CheckCandidatesOptions extends SshOptions, ConnectionOptions {
  /** The state folder (`stateDirFor(hostsFile)`); the result is saved there. */
  readonly stateDir: string;
  readonly thresholds: Thresholds;
  /** Hosts at once. */
  readonly parallel: number;
  /** Deadline for the probe, checks and transfers on each host once connected, in ms. */
  readonly timeoutMs: number;
  /** Measure put and get rates with a test file of this many bytes. */
  readonly bandwidthBytes?: number;
  readonly onChecked?: (name: string, record: CheckRecord) => void;
}

export interface CandidatesChecked {
  /** Every candidate, in the order given; `record` undefined when canceled. */
  readonly checks: readonly HostCheck[];
  readonly state: HostsState;
  readonly statePath: string;
  readonly durationMs: number;
}

/**
 * `lwt hosts check` as a library call: probe every candidate and save what was found in the
 * state file, next to each host's earlier checks. The state is read again just before the
 * save, so that a check of other hosts that ended meanwhile is kept.
 */
export async function checkCandidates(
  hosts: readonly HostEntry[],
  options: CheckCandidatesOptions,
): Promise<CandidatesChecked> {
  const started = performance.now();
  const targets = await resolveHostTargets(hosts, options);
  const statePath = join(options.stateDir, STATE_FILE_NAME);
  const before = await loadHostsState(statePath);
  const transport = createSsh2Transport(options);
  const testFile =
    options.bandwidthBytes === undefined ? undefined : await createTestFile(options.bandwidthBytes);
  let checks: HostCheck[];
  try {
    checks = await checkHosts(transport, targets, {
      thresholds: options.thresholds,
      timeoutMs: options.timeoutMs,
      parallel: options.parallel,
      testFile,
      signal: options.stopper?.signal,
      forceSignal: options.stopper?.forceSignal,
      previous: before.kind === 'ok' ? before.state : undefined,
      onChecked: (target, record) => options.onChecked?.(target.name, record),
    });
  } finally {
    await transport.close();
    await testFile?.remove();
  }
  const latest = await loadHostsState(statePath);
  const state = recordChecks(
    latest.kind === 'ok' ? latest.state : undefined,
    checks.flatMap((c) =>
      c.record ? [{ key: c.key, name: c.target.name, record: c.record }] : [],
    ),
    new Date(),
  );
  try {
    await saveHostsState(statePath, state);
  } catch (error) {
    // The check ran, but nothing else can use it: say where and why, as a usage problem.
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot save the host check here (${code}): make the folder writable`, {
      file: statePath,
    });
  }
  return { checks, state, statePath, durationMs: performance.now() - started };
}
