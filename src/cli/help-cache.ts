import type { Argv } from 'yargs';

interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } };
}

/**
 * yargs renders a command's whole help text before it runs the command, to have it at hand
 * should the command fail; lwt's .fail() reports failures itself and never shows it. Skipping
 * it saves 8 ms of every start (NOTES.md, 2026-11-23, fifth session). It goes through yargs'
 * internal methods (yargs 18); where they are not there, nothing changes. `--help` renders
 * the text when asked, as before.
 */
export function skipHelpCache(parser: Argv): void {
  const usage = (parser as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
