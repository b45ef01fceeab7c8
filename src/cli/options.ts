import { UsageError } from '../usage-error.js';

/** A whole number >= 1 (jobs, parallel hosts); `name` is the flag as the user typed it. */
export function positiveInteger(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`${name} must be a whole number of 1 or more, got '${String(value)}'`);
  }
  return n;
}

/** Seconds (fractions allowed) >= 0, returned in milliseconds; 0 means "no deadline". */
export function secondsToMs(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new UsageError(`${name} must be a number of seconds, 0 or more, got '${String(value)}'`);
  }
  return Math.round(n * 1000);
}
