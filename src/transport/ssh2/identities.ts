import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ParsedKey } from 'ssh2';
import { parseKey } from './ssh2-parts.js';

export interface Identity {
  readonly path: string;
  readonly key: ParsedKey;
}

const cache = new Map<string, Promise<Identity | undefined>>();

/**
 * The private keys that can be offered, read and parsed once per process however many hosts
 * use them. A missing file is skipped, as OpenSSH skips a missing default identity; one that
 * cannot be parsed (passphrase-protected, say) is skipped with a note, since the agent may
 * still hold it.
 */
export async function loadIdentities(
  paths: readonly string[],
  onNote?: (message: string) => void,
): Promise<Identity[]> {
  const loaded = await Promise.all(paths.map((path) => loadIdentity(path, onNote)));
  return loaded.filter((identity): identity is Identity => identity !== undefined);
}

function loadIdentity(
  path: string,
  onNote?: (message: string) => void,
): Promise<Identity | undefined> {
  let pending = cache.get(path);
  if (!pending) {
    pending = (async () => {
      let text: Buffer;
      try {
        text = await readFile(path);
      } catch {
        return undefined;
      }
      const parsed = parseKey(text);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key === undefined || key instanceof Error) {
        onNote?.(
          `skipping identity ${path}: ${key instanceof Error ? key.message : 'no key in it'}`,
        );
        return undefined;
      }
      return { path, key: withKeyObjectSigning(key) };
    })();
    cache.set(path, pending);
  }
  return pending;
}

/**
 * The digest ssh2 signs with when the caller names none, by key type (its keyParser's own
 * defaults; RSA callers always name one). A type missing here keeps ssh2's signing.
 */
const DEFAULT_DIGEST: Readonly<Record<string, string | null>> = {
  'ssh-ed25519': null,
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
  'ssh-rsa': 'sha1',
  'ssh-dss': 'sha1',
};

/**
 * Makes `key` sign with a KeyObject made once. ssh2 hands its PEM text to crypto.sign for every
 * signature, and OpenSSL 3 then decodes the PEM each time: 0.8 ms of CPU a host for an ed25519
 * key here (2 ms on a loaded machine), against 0.05-0.07 ms for the signature itself. Same
 * inputs to the same crypto.sign, so the signatures are the same.
 */
function withKeyObjectSigning(key: ParsedKey): ParsedKey {
  const digest = DEFAULT_DIGEST[key.type];
  if (digest === undefined || !key.isPrivateKey()) return key;
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key.getPrivatePEM());
  } catch {
    return key; // Let ssh2 try, and report, as it would have.
  }
  // ssh2 returns its error instead of throwing it, and reports it as an auth failure.
  key.sign = ((data: Buffer | string, algo?: string) => {
    try {
      return sign(algo || digest, typeof data === 'string' ? Buffer.from(data) : data, keyObject);
    } catch (error) {
      return error as Error;
    }
  }) as ParsedKey['sign'];
  return key;
}
