import { UsageError } from '../usage-error.js';
import type { SourceLocation } from './ranges.js';

/** One host as written in a hosts file or after -w: `[user@]host[:port]`, ranges expanded. */
export interface HostSpec {
  /** The spec as written: the display name and the name of the host's folder. */
  readonly name: string;
  /** Address or ~/.ssh/config alias; an IPv6 address without its brackets. */
  readonly host: string;
  readonly user?: string;
  readonly port?: number;
}

const SPEC_HINT = 'write a host as host, user@host, host:port or [ipv6]:port';

/**
 * Parses `[user@]host[:port]` ("deploy@web01:2222", "[::1]:2222", "::1"). The whole spec
 * becomes a folder name and an ssh argument, so '/', a leading '-' and whitespace are refused.
 */
export function parseHostSpec(spec: string, where?: SourceLocation): HostSpec {
  const fail = (why: string) => new UsageError(`bad host '${spec}': ${why}`, where);
  if (spec.includes('/')) {
    throw fail(`it contains '/'; a host is a name or address (it also names the host's folder)`);
  }
  if (/[\s,]/.test(spec) || [...spec].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f')) {
    throw fail(`it contains a space, a comma or a control character; ${SPEC_HINT}`);
  }
  const at = spec.lastIndexOf('@');
  const user = at >= 0 ? spec.slice(0, at) : undefined;
  if (user === '') throw fail(`nothing before '@'; ${SPEC_HINT}`);
  const { host, portText } = splitPort(spec.slice(at + 1), fail);
  if (host === '') throw fail(`no host name; ${SPEC_HINT}`);
  if (host.startsWith('-') || user?.startsWith('-')) {
    throw fail(`it starts with '-', which ssh would read as an option; remove the '-'`);
  }
  if (host === '.' || host === '..')
    throw fail(`'${host}' cannot name a host folder; ${SPEC_HINT}`);
  if (/[[\]]/.test(host)) throw fail(`stray '[' or ']'; ${SPEC_HINT}`);
  const port = portText === undefined ? undefined : parsePort(portText, fail);
  return {
    name: spec,
    host,
    ...(user !== undefined && { user }),
    ...(port !== undefined && { port }),
  };
}

function splitPort(
  rest: string,
  fail: (why: string) => UsageError,
): { host: string; portText?: string } {
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw fail(`unclosed '[': ${SPEC_HINT}`);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw fail(`text after ']'; ${SPEC_HINT}`);
    return { host: rest.slice(1, close), portText: after === '' ? undefined : after.slice(1) };
  }
  const colon = rest.indexOf(':');
  // Two colons or more without brackets: a bare IPv6 address, which cannot carry a port.
  if (colon < 0 || rest.indexOf(':', colon + 1) >= 0) return { host: rest };
  return { host: rest.slice(0, colon), portText: rest.slice(colon + 1) };
}

function parsePort(text: string, fail: (why: string) => UsageError): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw fail(`port '${text}' is not a number from 1 to 65535; write it like web01:2222`);
  }
  return port;
}
