import { UsageError } from '../usage-error.js';

/** One hop of a ProxyJump list: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export interface JumpSpec {
  readonly host: string;
  readonly user?: string;
  readonly port?: number;
}

/**
 * Parses ProxyJump's value ("bastion,deploy@inner:2200"); "none" means no hops. `origin` names
 * where it was written, for the error.
 */
export function parseProxyJump(value: string, origin: string): JumpSpec[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((item) => parseJump(item.trim(), origin));
}

function parseJump(item: string, origin: string): JumpSpec {
  const text = item.startsWith('ssh://') ? item.slice('ssh://'.length).replace(/\/$/, '') : item;
  const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d+))?$/.exec(text);
  const port = match?.[3] === undefined ? undefined : Number(match[3]);
  if (!match || (port !== undefined && !(port >= 1 && port <= 65535))) {
    throw new UsageError(
      `bad ProxyJump hop '${item}' in ${origin}: write hops as [user@]host[:port], ` +
        'separated by commas, or none',
    );
  }
  const host = (match[2] as string).replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    ...(match[1] !== undefined && { user: match[1] }),
    ...(port !== undefined && { port }),
  };
}
