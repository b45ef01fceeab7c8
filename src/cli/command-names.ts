/**
 * lwt's commands, and LWT's script names (bins, and first arguments that main.ts translates).
 * main.ts registers exactly these commands (its command table is typed by them).
 */
export const COMMAND_NAMES = ['exec', 'run', 'hosts', 'put', 'get'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** LWT's names that lwt also takes as its first argument, and the command each one is. */
export const ALIASES: Readonly<Record<string, CommandName>> = {
  'execute-all': 'exec',
  multiprocess: 'run',
  'put-all': 'put',
  'get-all': 'get',
};
