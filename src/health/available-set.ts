import type { CheckRecord } from './check-record.js';
import type { HostsState } from './hosts-state.js';

/** A host a command is about to use, as the available-set filter sees it. */
export interface Candidate<T> {
  readonly host: T;
  /** Its key in the state (stateKeyOf). */
  readonly key: string;
  /** Named one by one by the user (`-w web07`): used even when not available. */
  readonly named: boolean;
}

export interface AvailableSet<T> {
  /** The hosts to use, in the order given. */
  readonly use: T[];
  /** Left out: a check younger than maxAge found them unhealthy or unreachable. */
  readonly excluded: { readonly host: T; readonly record: CheckRecord }[];
  /** Not available, but kept because the user named them. */
  readonly keptNamed: { readonly host: T; readonly record: CheckRecord }[];
  /** The one line for stderr when the check changed anything; undefined when it did not. */
  readonly note?: string;
}

/**
 * Which hosts a command uses: all of them except those whose last check is younger than
 * `maxAgeMs` and found them not available. A host never checked, or checked too long ago, is
 * used: an old or missing answer is no reason to leave a host out. Pure.
 */
export function selectAvailable<T>(
  candidates: readonly Candidate<T>[],
  state: HostsState | undefined,
  options: { readonly maxAgeMs: number; readonly now: Date },
): AvailableSet<T> {
  const use: T[] = [];
  const excluded: AvailableSet<T>['excluded'] = [];
  const keptNamed: AvailableSet<T>['keptNamed'] = [];
  for (const candidate of candidates) {
    const record = state?.hosts[candidate.key]?.last;
    const fresh =
      record !== undefined && options.now.getTime() - Date.parse(record.at) <= options.maxAgeMs;
    if (!fresh || record.status === 'available') use.push(candidate.host);
    else if (candidate.named) {
      use.push(candidate.host);
      keptNamed.push({ host: candidate.host, record });
    } else excluded.push({ host: candidate.host, record });
  }
  return {
    use,
    excluded,
    keptNamed,
    note: describeSelection(candidates.length, use.length, excluded.length, keptNamed.length),
  };
}

function describeSelection(
  total: number,
  used: number,
  excluded: number,
  keptNamed: number,
): string | undefined {
  if (excluded === 0 && keptNamed === 0) return undefined;
  const parts: string[] = [];
  if (excluded > 0) parts.push(`${excluded} not available`);
  if (keptNamed > 0) parts.push(`${keptNamed} not available but named with -w, used anyway`);
  return `using ${used} of ${total} hosts: ${parts.join('; ')}, see lwt hosts list`;
}
