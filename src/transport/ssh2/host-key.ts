import {
  appendKnownHost,
  fingerprintSha256,
  keyTypeOf,
  lookUpKnownHost,
  readKnownHostsFile,
  type KnownHostsFile,
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
 * The known_hosts files of one run, each read and parsed on first use, then shared by every
 * host: checking 200 hosts against a 200-line file would otherwise read it 200 times and parse
 * 40,000 lines. Keys this run remembers are added to it; a change another process makes to a
 * file during the run is not seen, as with a config read at start.
 */
export class KnownHostsCache {
  readonly #files = new Map<string, Promise<KnownHostsFile>>();

  read(path: string): Promise<KnownHostsFile> {
    let file = this.#files.get(path);
    if (!file) {
      file = readKnownHostsFile(path);
      // A file that could not be read is tried again by the next host, and fails the same way.
      file.catch(() => this.#files.delete(path));
      this.#files.set(path, file);
    }
    return file;
  }
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
  knownHosts: KnownHostsCache = new KnownHostsCache(),
): Promise<HostKeyDecision> {
  if (policy === 'no') return { accept: true };
  const type = keyTypeOf(key);
  const fingerprint = `${type} ${fingerprintSha256(key)}`;
  const name = settings.port === 22 ? settings.hostname : `[${settings.hostname}]:${settings.port}`;
  const files = settings.userKnownHostsFiles;
  const offered = { type, data: key };
  const read = await Promise.all(files.map((file) => knownHosts.read(file)));
  const known = lookUpKnownHost(read, settings.hostname, settings.port, offered);
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
      await appendKnownHost(file, settings.hostname, settings.port, offered);
      read[0]?.remember(settings.hostname, settings.port, offered);
      return { accept: true, added: `added ${fingerprint} for ${name} to ${file}` };
    }
  }
}
