import {
  appendKnownHost,
  checkKnownHost,
  fingerprintSha256,
  keyTypeOf,
  type SshSettings,
} from '../../hosts/index.js';

/** `--host-key-check`: OpenSSH's StrictHostKeyChecking values lwt supports. */
export type HostKeyPolicy = 'accept-new' | 'yes' | 'no';

export interface HostKeyDecision {
  readonly accept: boolean;
  /** Why the key was refused, naming host and fingerprint; set when `accept` is false. */
  readonly reason?: string;
  /** A note for the user when an unknown key was remembered. */
  readonly added?: string;
}

/**
 * Checks a server's host key against known_hosts the way OpenSSH does. A changed or revoked
 * key is always refused; an unknown key is remembered (accept-new), refused (yes), or taken
 * (no). ssh2 itself would accept any key.
 */
export async function decideHostKey(
  settings: SshSettings,
  key: Buffer,
  policy: HostKeyPolicy,
): Promise<HostKeyDecision> {
  if (policy === 'no') return { accept: true };
  const type = keyTypeOf(key);
  const fingerprint = `${type} ${fingerprintSha256(key)}`;
  const name = settings.port === 22 ? settings.hostname : `[${settings.hostname}]:${settings.port}`;
  const files = settings.userKnownHostsFiles;
  const known = await checkKnownHost(files, settings.hostname, settings.port, { type, data: key });
  switch (known.status) {
    case 'match':
      return { accept: true };
    case 'changed':
      return {
        accept: false,
        reason:
          `host key for ${name} has changed (now ${fingerprint}; ${known.file}:${known.line} ` +
          `has another): if the change is expected, run ssh-keygen -R '${name}'`,
      };
    case 'revoked':
      return {
        accept: false,
        reason: `host key ${fingerprint} of ${name} is revoked (${known.file}:${known.line})`,
      };
    case 'unknown': {
      if (policy === 'yes') {
        return {
          accept: false,
          reason: `no known host key for ${name} (offered ${fingerprint}) and --host-key-check is yes: add it to ${files[0] ?? 'known_hosts'}`,
        };
      }
      const file = files[0];
      if (file === undefined) return { accept: true };
      await appendKnownHost(file, settings.hostname, settings.port, { type, data: key });
      return { accept: true, added: `added ${fingerprint} for ${name} to ${file}` };
    }
  }
}
