import ssh2 from 'ssh2';

/** An ed25519 key pair: the private key in OpenSSH's format, the public as "ssh-ed25519 AAAA...". */
export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/**
 * A fresh ed25519 key pair, made in this process (no ssh-keygen to spawn). OpenSSH reads ssh2's
 * "OPENSSH PRIVATE KEY" output as it reads its own, for host keys and identities alike, except
 * for one key in 256: ssh2 1.17 strips a public key's leading zero bytes (mscdex/ssh2#1390,
 * #1513), and OpenSSH ("error in libcrypto") and ssh2's own parser refuse the result. That was
 * the rare test fleet whose sshd would not start or whose key no client could load; such a pair
 * is made again.
 */
export function generateKeyPair(): KeyPair {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (isWhole(pair.private) && isWhole(pair.public)) {
      return { privateKey: pair.private, publicKey: pair.public.trim() };
    }
  }
}

/** Parses, and holds a 32-byte ed25519 public key (ssh2's parser checks the private half). */
function isWhole(key: string): boolean {
  const parsed = ssh2.utils.parseKey(key);
  const single = Array.isArray(parsed) ? parsed[0] : parsed;
  if (single === undefined || single instanceof Error) return false;
  // The SSH wire form: string "ssh-ed25519" (4 + 11 bytes), then string key (4 + 32 bytes).
  return single.getPublicSSH().length === 4 + 11 + 4 + 32;
}
