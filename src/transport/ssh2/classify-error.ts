import type { Outcome } from '../../outcome/outcome.js';

/** The shape of the errors ssh2 emits: an Error with a `level` and sometimes a socket `code`. */
export interface Ssh2Error extends Error {
  readonly level?: string;
  readonly code?: string;
}

/**
 * Maps an ssh2 connection error to the outcome a user reads: where the connection broke and
 * the library's own words. `hostKeyRejection` is our reason when our host verifier said no,
 * because ssh2 only reports "Host denied".
 */
export function classifyConnectError(error: Ssh2Error, hostKeyRejection?: string): Outcome {
  const message = error.message;
  if (hostKeyRejection !== undefined) {
    return { kind: 'unreachable', stage: 'hostkey', message: hostKeyRejection };
  }
  switch (error.level) {
    case 'client-dns':
      return { kind: 'unreachable', stage: 'dns', message };
    case 'client-authentication':
      return { kind: 'unreachable', stage: 'auth', message: authMessage(message) };
    case 'client-socket':
      return socketOutcome(error);
    case 'protocol':
    case 'handshake':
      return { kind: 'unreachable', stage: 'handshake', message };
  }
  if (/handshake|kex|algorithm|negotiat/i.test(message)) {
    return { kind: 'unreachable', stage: 'handshake', message };
  }
  return { kind: 'unreachable', stage: 'reset', message };
}

function socketOutcome(error: Ssh2Error): Outcome {
  const message = error.message;
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'unreachable', stage: 'dns', message };
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { kind: 'unreachable', stage: 'refused', message };
    default:
      return { kind: 'unreachable', stage: 'reset', message };
  }
}

function authMessage(message: string): string {
  return message === 'All configured authentication methods failed'
    ? 'permission denied: the server accepted none of the keys offered (check -i, -l and the agent)'
    : message;
}

/**
 * A ProxyCommand to blame (it did not start, ended, or did not speak SSH): its own stage, so
 * that a broken local command is not read as a broken network. `why` comes from
 * proxy-command.ts, exit status and first stderr line included.
 */
export function proxyFailure(why: string): Outcome {
  return { kind: 'unreachable', stage: 'proxy', message: why };
}
