import { canonicalCommand } from './command-names.js';
import { setV8FlagForRun, userSetV8Flag, type V8FlagPlan } from './v8-flags.js';

/**
 * How much V8 lets the old generation grow after a full GC, for `lwt put`: by 500%, where V8
 * picks between 10% and 300% itself, from how fast it collects. While a put streams files,
 * ssh2's buffers outlive a young-generation GC or two and land in the old generation; with
 * V8's own growth a put to 50 hosts ran 13 full mark-compacts. The bins used to ask for the
 * same with --initial-old-space-size=64 on the command line, which costs Node its built-in
 * code cache for everything it loads first (20 ms a start). Set at run time (start.ts), it
 * costs nothing there: with it and 255 KiB SFTP writes (sftp-send.ts), -3.5 ms a host for a
 * 10 MB put to 10 hosts and -3.8 to 50 (NOTES.md, 2026-11-23, fifth session). `lwt get` keeps
 * the flag: it was not measured this way.
 *
 * V8 stamps its flags into a code cache, so the caller puts it back (to 0, V8's "choose for
 * yourself", in every version) before the cache is written. A user's own setting is left alone.
 */
const GROWING_PERCENT = 500;
const FLAG = 'heap-growing-percent';

/** What to set for `command` (as commandOf names it), or undefined to leave V8 as it is. */
export function heapGrowthPlan(
  command: string,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): V8FlagPlan | undefined {
  if (canonicalCommand(command) !== 'put') return undefined;
  if (userSetV8Flag(FLAG, execArgv, nodeOptions)) return undefined;
  return { raised: GROWING_PERCENT, normal: 0 };
}

/** Lets the heap grow faster for this run of `command`; returns what puts it back. */
export function growHeapFaster(command: string): () => void {
  return setV8FlagForRun(FLAG, heapGrowthPlan(command, process.execArgv, process.env.NODE_OPTIONS));
}
