import { readFile } from 'node:fs/promises';
import ssh2, { type ParsedKey } from 'ssh2';

// ssh2 is CommonJS: only some names are visible as ESM named exports.
const { utils } = ssh2;

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
      const parsed = utils.parseKey(text);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key === undefined || key instanceof Error) {
        onNote?.(
          `skipping identity ${path}: ${key instanceof Error ? key.message : 'no key in it'}`,
        );
        return undefined;
      }
      return { path, key };
    })();
    cache.set(path, pending);
  }
  return pending;
}
