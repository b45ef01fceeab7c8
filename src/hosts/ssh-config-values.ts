import { UsageError } from '../usage-error.js';
import type { ParsedSshConfig } from './ssh-config.js';

/** StrictHostKeyChecking's values, once its synonyms are folded in. */
export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new' | 'ask';

/** What ssh-config computed for one host: lower-case keys, first value winning. */
export type ConfigValues = Record<string, string | string[] | undefined>;

/**
 * The settings that apply to `alias` (and `user`, for Match user), as ssh-config merges them.
 */
export function computeConfig(
  config: ParsedSshConfig | undefined,
  alias: string,
  user: string | undefined,
): ConfigValues {
  if (!config) return {};
  // Match exec would run a shell for every host of the fleet; lwt treats it as not matching.
  const query = user === undefined ? { Host: alias } : { Host: alias, User: user };
  return config.lines.compute(query, { ignoreCase: true, matchExec: false });
}

/** The first value of a setting. */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of a setting (IdentityFile repeats; UserKnownHostsFile lists). */
export function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A whole number (Port, ConnectTimeout, ...); `origin` names the file and host for errors. */
export function whole(value: string | undefined, name: string, origin: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`${name} '${value}' in ${origin} is not a whole number: fix it there`);
  }
  const number = Number(value);
  if (name === 'Port' && !(number >= 1 && number <= 65535)) {
    throw new UsageError(`Port ${value} in ${origin} is not from 1 to 65535: fix it there`);
  }
  return number;
}

/** yes/no (or true/false), as ssh_config writes flags. */
export function yesNo(
  value: string | undefined,
  name: string,
  origin: string,
): boolean | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'yes' || lower === 'true') return true;
  if (lower === 'no' || lower === 'false') return false;
  throw new UsageError(`${name} '${value}' in ${origin} must be yes or no: fix it there`);
}

/** StrictHostKeyChecking, with OpenSSH's synonyms (off = no, true = yes). */
export function parseStrict(value: string, origin: string): StrictHostKeyChecking {
  const lower = value.toLowerCase();
  if (lower === 'ask' || lower === 'accept-new') return lower;
  const flag = lower === 'off' ? false : yesNo(value, 'StrictHostKeyChecking', origin);
  return flag ? 'yes' : 'no';
}
