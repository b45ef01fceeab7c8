/**
 * lwt's commands, and LWT's script names (bins, and first arguments that main.ts translates).
 * main.ts registers exactly these commands (its command table is typed by them); start.ts
 * keys each command's code cache by these names before the CLI bundle is loaded, which is
 * why they live apart from main.ts.
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

/** Only a bin: it is `put --per-host` (aliases.ts). */
const PUT_PER_HOST = 'put-all-diff';

const KNOWN: ReadonlySet<string> = new Set<string>([
  ...COMMAND_NAMES,
  ...Object.keys(ALIASES),
  PUT_PER_HOST,
]);

/**
 * The command a run is for: the bin's alias, else the first argument when it names one. Help
 * and --version count as 'other': they run none of the command's code.
 */
export function commandOf(alias: string | undefined, args: readonly string[]): string {
  const options = args.slice(0, args.includes('--') ? args.indexOf('--') : args.length);
  if (options.some((arg) => arg === '--help' || arg === '-h' || arg === '--version')) {
    return 'other';
  }
  const name = alias ?? args[0] ?? '';
  return KNOWN.has(name) ? name : 'other';
}
