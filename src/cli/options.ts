import { parseSize } from '../health/units.js';
import { UsageError } from '../usage-error.js';

/*
 * The numeric options are declared without a yargs type: yargs turns text that is not a
 * number into NaN for a `number` option, and the message could no longer show what was typed.
 * Options that take a value say requiresArg, so that one given without a value is a usage
 * error (yargs would otherwise read it as its default); `--timeout=` and an empty LWT_TIMEOUT
 * still come as ''.
 */

/** A whole number >= 1 (jobs, parallel hosts); `name` is the flag as the user typed it. */
export function positiveInteger(value: unknown, name: string): number {
  const n = Number(withValue(value, name));
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`${name} must be a whole number of 1 or more, got '${String(value)}'`);
  }
  return n;
}

/** Seconds (fractions allowed) >= 0, returned in milliseconds; 0 means "no deadline". */
export function secondsToMs(value: unknown, name: string): number {
  const n = Number(withValue(value, name));
  if (!Number.isFinite(n) || n < 0) {
    throw new UsageError(`${name} must be a number of seconds, 0 or more, got '${String(value)}'`);
  }
  return Math.round(n * 1000);
}

/** A size in bytes, at least 1: 4M, 512K, 65536; `name` is the flag as the user typed it. */
export function byteCount(value: unknown, name: string): number {
  const bytes = parseSize(withValue(value, name), name);
  if (bytes < 1) {
    throw new UsageError(
      `${name} must be at least 1 byte, like 4M, 512K or 65536, got '${String(value)}'`,
    );
  }
  return bytes;
}

/** `value`, unless the option came without one: refused rather than read as 1 or 0. */
export function withValue(value: unknown, name: string): unknown {
  if (typeof value === 'boolean' || value === '') throw new UsageError(`${name} needs a value`);
  return value;
}
