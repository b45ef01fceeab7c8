import type { Client } from 'ssh2';

type GlobalRequestHandler = (p: unknown, name: string, wantReply: boolean, data: unknown) => void;

/** The part of ssh2's Client internals this file touches, all optional: checked before use. */
interface ClientInternals {
  readonly _protocol?: { _handlers?: { GLOBAL_REQUEST?: unknown } };
}

/**
 * Keeps `client` from answering OpenSSH's hostkeys-00@openssh.com notice. ssh2 answers it, on
 * every connection, by asking the server to prove each of its host keys (hostkeys-prove-00): a
 * signature per key on the server (an RSA one is slow), a key parse and a signature check per
 * key here, one more round trip, for a list it only emits as a 'hostkeys' event that lwt never
 * uses. OpenSSH's client asks only when UpdateHostKeys has a key to learn; some servers even
 * fail the request and the connection with it (mscdex/ssh2#1437). ssh2 has no option for it,
 * so this wraps the client's handler for global requests, which exists once connect() has
 * been called. If ssh2's internals ever change shape, this does nothing: ssh2 goes on proving,
 * which is slower, not wrong. Measured: 0.5-0.9 ms of client CPU and 1-2 ms of sshd CPU a
 * host (one ed25519 host key).
 */
export function skipHostKeysProve(client: Client): void {
  const handlers = (client as unknown as ClientInternals)._protocol?._handlers;
  const original = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof original !== 'function') return;
  const forward = original as GlobalRequestHandler;
  const wrapped: GlobalRequestHandler = (p, name, wantReply, data) => {
    // OpenSSH sends the notice without asking for a reply; one that asks gets ssh2's answer.
    if (name === 'hostkeys-00@openssh.com' && !wantReply) return;
    forward(p, name, wantReply, data);
  };
  handlers.GLOBAL_REQUEST = wrapped;
}
