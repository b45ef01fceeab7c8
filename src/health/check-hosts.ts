import { runLimited } from '../pool/limit.js';
import type { RemoteTarget, Transport } from '../transport/transport.js';
import type { CheckRecord } from './check-record.js';
import { checkHost, type CheckHostOptions } from './check-host.js';
import type { HostsState } from './hosts-state.js';
import { stateKeyOf } from './hosts-state.js';

export interface CheckHostsOptions extends CheckHostOptions {
  /** Hosts checked at once. */
  readonly parallel: number;
  /** The previous state: hosts unreachable then are started first (see below). */
  readonly previous?: HostsState;
  /** Told as each host's check ends. */
  readonly onChecked?: (target: RemoteTarget, record: CheckRecord) => void;
}

/** One candidate's check; `record` is undefined when it was canceled before it learned anything. */
export interface HostCheck {
  readonly target: RemoteTarget;
  readonly key: string;
  readonly record?: CheckRecord;
}

/**
 * Checks every candidate, at most `parallel` at once, each connected once (the transport keeps
 * a failed connection, so a dead host costs one deadline). Hosts that were unreachable at the
 * last check start first: a frozen host costs its full connect deadline, and starting it early
 * lets that wait overlap the work on live hosts instead of adding to it when there are more
 * hosts than lanes. Results are in the order given.
 */
export async function checkHosts(
  transport: Transport,
  targets: readonly RemoteTarget[],
  options: CheckHostsOptions,
): Promise<HostCheck[]> {
  const keys = targets.map((t) => stateKeyOf(t.settings));
  const records: Array<CheckRecord | undefined> = new Array(targets.length);
  const order = targets.map((_, index) => index);
  const suspect = (i: number) =>
    options.previous?.hosts[keys[i] ?? '']?.last.status === 'unreachable' ? 0 : 1;
  order.sort((a, b) => suspect(a) - suspect(b) || a - b);
  await runLimited(
    order,
    options.parallel,
    async (index) => {
      const target = targets[index] as RemoteTarget;
      const record = await checkHost(transport, target, options);
      records[index] = record;
      if (record) options.onChecked?.(target, record);
    },
    options.signal,
  );
  return targets.map((target, i) => ({ target, key: keys[i] as string, record: records[i] }));
}
