import ClientClass from 'ssh2/lib/client.js';
import keyParser from 'ssh2/lib/protocol/keyParser.js';

/**
 * ssh2's Client and key parser, imported from their own files: ssh2's index also loads its
 * HTTP(S) agents, and with them Node's http, https and tls, which lwt never uses (10 ms of
 * every start, 25 under put's heap flag; NOTES.md, 2026-11-23, fifth session).
 */
export const Client = ClientClass;
export type Client = InstanceType<typeof ClientClass>;
export const parseKey = keyParser.parseKey;
