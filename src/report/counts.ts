import { OUTCOME_KINDS, type Outcome, type OutcomeKind } from '../outcome/outcome.js';

export type KindCounts = Record<OutcomeKind, number>;

export function countByKind(outcomes: Iterable<Outcome>): KindCounts {
  const counts = Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as KindCounts;
  for (const outcome of outcomes) counts[outcome.kind]++;
  return counts;
}

const LABELS: Record<OutcomeKind, string> = {
  ok: 'ok',
  exit: 'failed',
  signal: 'killed by a signal',
  timeout: 'timed out',
  unreachable: 'unreachable',
  canceled: 'canceled',
  'no-status': 'no exit status',
  skipped: 'skipped',
  error: 'failed',
};

/** "3 ok, 1 failed, 1 timed out": ok always, other kinds only when they happened. */
export function formatCounts(counts: KindCounts): string {
  return OUTCOME_KINDS.filter((k) => k === 'ok' || counts[k] > 0)
    .map((k) => `${counts[k]} ${LABELS[k]}`)
    .join(', ');
}
