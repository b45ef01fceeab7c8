import type { Outcome } from '../outcome/outcome.js';

/**
 * The stable JSON shape of an outcome: `kind` plus only the fields that kind has. Part of the
 * documented --json formats, so field names here do not change lightly.
 */
export function outcomeToJson(outcome: Outcome): Record<string, unknown> {
  return { ...outcome };
}
