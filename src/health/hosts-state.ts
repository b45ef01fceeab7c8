import type { SshSettings } from '../hosts/index.js';
import type { CheckRecord, HistoryEntry } from './check-record.js';

/** Earlier checks kept per host besides the last one. */
export const HISTORY_LENGTH = 20;

/**
 * The state file's content: the last check of every host ever checked, with a short history.
 * Keyed by the address a host is reached at (`user@hostname:port`, after ~/.ssh/config), so
 * that `-w 10.0.0.5` and a hosts-file line `deploy@10.0.0.5` find the same record.
 */
export interface HostsState {
  readonly version: 1;
  readonly updatedAt: string;
  readonly hosts: Readonly<Record<string, HostRecord>>;
}

export interface HostRecord {
  /** The name the host had when last checked, for people. */
  readonly name: string;
  readonly last: CheckRecord;
  /** Earlier checks, newest first, at most HISTORY_LENGTH. */
  readonly history: readonly HistoryEntry[];
}

/** The key of a host in the state: where it is reached, not what it is called. */
export function stateKeyOf(settings: Pick<SshSettings, 'user' | 'hostname' | 'port'>): string {
  return `${settings.user}@${settings.hostname}:${settings.port}`;
}

/** One finished check to keep. */
export interface CheckedHost {
  readonly key: string;
  readonly name: string;
  readonly record: CheckRecord;
}

/**
 * The state after `checked`: each host's new record becomes its last, the previous last moves
 * to the front of its history (capped). Hosts not checked this time keep what they had. Pure.
 */
export function recordChecks(
  state: HostsState | undefined,
  checked: readonly CheckedHost[],
  now: Date,
): HostsState {
  const hosts: Record<string, HostRecord> = { ...(state?.hosts ?? {}) };
  for (const { key, name, record } of checked) {
    const before = hosts[key];
    const history = before ? [summarize(before.last), ...before.history] : [];
    hosts[key] = { name, last: record, history: history.slice(0, HISTORY_LENGTH) };
  }
  return { version: 1, updatedAt: now.toISOString(), hosts };
}

function summarize(record: CheckRecord): HistoryEntry {
  const load1 = record.figures.load?.[0];
  const connectMs = record.figures.connectMs;
  return {
    at: record.at,
    status: record.status,
    why: record.why,
    ...(load1 !== undefined && { load1 }),
    ...(connectMs !== undefined && { connectMs }),
  };
}
