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

/** The tokens that `text` substitutes (%h, %n, ...), without the literal %%. */
export function usedTokens(text: string): Set<string> {
  const used = new Set<string>();
  for (const [, token] of text.matchAll(/%(.?)/g)) if (token !== '%') used.add(token ?? '');
  return used;
}

/** What a shell acts on, as OpenSSH lists it for host names (readconf.c, ssh_valid_hostname). */
const HOST_METACHARACTERS = '\'`"$\\;&<>|(){},';
/** The same for logins (ssh_valid_ruser): '$', '\' and ',' may appear in a user name. */
const USER_METACHARACTERS = '\'`";&<>|(){}';

/**
 * The character that makes `name` unsafe to paste into a shell command, by OpenSSH's rule for
 * host names since CVE-2023-51385 (9.6; ',' since 10.0): a leading '-', a shell
 * metacharacter, whitespace or a control character. Undefined when the name is safe.
 */
export function unsafeHostCharacter(name: string): string | undefined {
  if (name.startsWith('-')) return '-';
  return [...name].find(
    (c) => HOST_METACHARACTERS.includes(c) || /\s/.test(c) || isControlCharacter(c),
  );
}

/**
 * The same for a login (ssh_valid_ruser): a leading '-', a metacharacter, a control character
 * (since 10.1), a '-' after whitespace (an option in disguise), or a '\' at the end (it would
 * escape what follows). Spaces are allowed: some directories have them in user names.
 */
export function unsafeUserCharacter(user: string): string | undefined {
  if (user.startsWith('-')) return '-';
  const chars = [...user];
  for (const [i, c] of chars.entries()) {
    if (USER_METACHARACTERS.includes(c) || isControlCharacter(c)) return c;
    if (/\s/.test(c) && chars[i + 1] === '-') return `${c}-`;
    if (c === '\\' && i === chars.length - 1) return c;
  }
  return undefined;
}

/** C0 and C1 control characters and DEL: what iscntrl(3) refuses, and what a terminal acts on. */
export function isControlCharacter(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}
