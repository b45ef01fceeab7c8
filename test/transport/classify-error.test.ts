import { describe, expect, it } from 'vitest';
import { classifyConnectError, type Ssh2Error } from '../../src/transport/ssh2/classify-error.js';

function error(message: string, level?: string, code?: string): Ssh2Error {
  return Object.assign(new Error(message), { level, code });
}

describe('classifyConnectError', () => {
  it.each([
    ['getaddrinfo ENOTFOUND db9', 'client-dns', 'ENOTFOUND', 'dns'],
    ['getaddrinfo ENOTFOUND db9', 'client-socket', 'ENOTFOUND', 'dns'],
    ['connect ECONNREFUSED 127.0.0.1:2', 'client-socket', 'ECONNREFUSED', 'refused'],
    ['connect EHOSTUNREACH', 'client-socket', 'EHOSTUNREACH', 'refused'],
    ['read ECONNRESET', 'client-socket', 'ECONNRESET', 'reset'],
    ['Handshake failed: no matching key exchange algorithm', 'handshake', undefined, 'handshake'],
    ['Bad packet length', 'protocol', undefined, 'handshake'],
  ] as const)('%s (%s) is unreachable at stage %s', (message, level, code, stage) => {
    expect(classifyConnectError(error(message, level, code))).toEqual({
      kind: 'unreachable',
      stage,
      message,
    });
  });

  it('explains an authentication failure instead of repeating ssh2', () => {
    const outcome = classifyConnectError(
      error('All configured authentication methods failed', 'client-authentication'),
    );
    expect(outcome).toEqual({
      kind: 'unreachable',
      stage: 'auth',
      message:
        'permission denied: the server accepted none of the keys offered (check -i, -l and the agent)',
    });
  });

  it('uses our own reason when our host verifier refused the key', () => {
    const outcome = classifyConnectError(
      error('Host denied (verification failed)', 'handshake'),
      'host key for [127.0.0.2]:2222 has changed',
    );
    expect(outcome).toEqual({
      kind: 'unreachable',
      stage: 'hostkey',
      message: 'host key for [127.0.0.2]:2222 has changed',
    });
  });
});
