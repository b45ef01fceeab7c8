import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../usage-error.js';

/**
 * Replaces ssh_config's %-tokens (%h, %r, %u, %d, ... as `values` allows; %% is a literal %).
 * `what` names the setting for the error when a token is unknown, which OpenSSH refuses too.
 */
export function expandTokens(
  text: string,
  values: Readonly<Record<string, string>>,
  what: string,
): string {
  return text.replace(/%(.?)/g, (_whole, token: string) => {
    if (token === '%') return '%';
    const value = values[token];
    if (value === undefined) {
      const known = Object.keys(values)
        .map((k) => `%${k}`)
        .join(' ');
      throw new UsageError(
        `unknown token '%${token}' in ${what}: use one of ${known}, or %% for a literal '%'`,
      );
    }
    return value;
  });
}

/** `~` and `~/...` to the home folder, then a relative path from the current folder. */
export function expandPath(path: string, homeDir: string): string {
  const expanded =
    path === '~' ? homeDir : path.startsWith('~/') ? join(homeDir, path.slice(2)) : path;
  return isAbsolute(expanded) ? expanded : resolve(expanded);
}
