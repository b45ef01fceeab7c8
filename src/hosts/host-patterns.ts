import { createHmac } from 'node:crypto';

/**
 * Whether a known_hosts host field names `host` (already "[host]:port" for a port other than
 * 22): a hashed field `|1|salt|hmac` (HMAC-SHA1 keyed with the salt over the name), or a comma
 * list of patterns with `*`, `?` and `!` negation, matched without regard to case. A negated
 * pattern that matches wins over every other pattern, as in OpenSSH's match_hostname().
 */
export function matchKnownHostField(field: string, host: string): boolean {
  const name = host.toLowerCase();
  if (field.startsWith('|1|')) return matchHashed(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    if (!matchWildcard(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The name as a known_hosts line writes it: "host" on port 22, "[host]:port" otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function matchHashed(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (salt === undefined || hash === undefined) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return digest.equals(Buffer.from(hash, 'base64'));
}

function matchWildcard(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(name);
}
