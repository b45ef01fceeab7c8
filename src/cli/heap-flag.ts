import v8 from 'node:v8';

const FLAG = '--initial-old-space-size';

/**
 * The bins start `lwt get` with --initial-old-space-size=64 (bin/lwt says why).
 * V8 reads it once, when it makes the heap; by the time lwt's code runs it has done its work.
 * Put back to V8's default (0), it no longer differs from the flags Node's own code cache was
 * made under, so the built-in modules loaded from here on (node:crypto, node:net, zlib...) are
 * read from that cache instead of compiled: part of 13 ms a start (NOTES.md, 2026-11-23,
 * fifth session). Nothing is done when the flag was not given.
 */
export function releaseHeapFlag(execArgv: readonly string[] = process.execArgv): boolean {
  if (!execArgv.some((arg) => arg.startsWith(`${FLAG}=`))) return false;
  v8.setFlagsFromString(`${FLAG}=0`);
  return true;
}
