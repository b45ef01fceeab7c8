import { outcomeToJson } from './outcome-json.js';
import type { HostRecord } from '../health/hosts-state.js';

/**
 * The stable JSON of one candidate, for `lwt hosts list --json` and `lwt hosts check --json`:
 * {host, address, status, why, checkedAt, ageSeconds, stale, figures, history} and, by status,
 * `failed` (unhealthy) or `stage` and `outcome` (unreachable). A host never checked has status
 * "unchecked" and no check fields.
 */
export function hostRecordToJson(
  name: string,
  address: string,
  stored: HostRecord | undefined,
  options: { readonly now: Date; readonly maxAgeMs: number },
): Record<string, unknown> {
  if (!stored) return { host: name, address, status: 'unchecked', why: 'not checked yet' };
  const record = stored.last;
  const ageMs = options.now.getTime() - Date.parse(record.at);
  return {
    host: name,
    address,
    status: record.status,
    why: record.why,
    ...(record.status === 'unhealthy' && { failed: record.failed }),
    ...(record.status === 'unreachable' && {
      stage: record.stage,
      outcome: outcomeToJson(record.outcome),
    }),
    checkedAt: record.at,
    ageSeconds: Math.round(ageMs / 1000),
    stale: ageMs > options.maxAgeMs,
    durationMs: record.durationMs,
    figures: record.figures,
    history: stored.history,
  };
}
