import { join } from 'node:path';
import { readJsonObjectFile } from '../json-object-file.js';
import { UsageError } from '../usage-error.js';

/** The workspace's config file, relative to the working directory. */
export const CONFIG_FILE = join('.lwt', 'config.json');

/** LWT_* variables that are not options: read by name elsewhere, never passed to yargs. */
const NOT_OPTIONS = new Set(['LWT_HOSTS', 'LWT_DEBUG', 'LWT_SPAWNER']);

export type Settings = Record<string, unknown>;

/**
 * Option values from LWT_* variables: LWT_CONNECT_TIMEOUT=5 is --connect-timeout 5, as yargs'
 * .env() would read them, but from the injected environment and without LWT_HOSTS/LWT_DEBUG.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const settings: Settings = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('LWT_') || NOT_OPTIONS.has(name) || value === undefined) continue;
    settings[name.slice(4).toLowerCase().replace(/_/g, '-')] = value;
  }
  return settings;
}

/**
 * Option values from `.lwt/config.json` in `dir`: `{"parallel": 32, "connect-timeout": 5}`,
 * long option names as keys. No file is no settings; a broken one is a usage error naming it.
 */
export async function settingsFromFile(dir: string): Promise<Settings> {
  return (await readJsonObjectFile(join(dir, CONFIG_FILE), '{"parallel": 32}')) ?? {};
}

/** yargs found options (or a command) it does not know; `names` as yargs gave them. */
export class UnknownOptionsError extends UsageError {
  constructor(
    message: string,
    readonly names: readonly string[],
  ) {
    super(message);
  }
}

/**
 * The names yargs calls unknown in a message like "Unknown arguments: foo, bar-baz", or
 * undefined when the message is about something else.
 */
export function unknownOptionNames(message: string): string[] | undefined {
  const match = /^Unknown arguments?: (.*)$/.exec(message);
  return match?.[1]?.split(', ').map((name) => name.trim());
}
