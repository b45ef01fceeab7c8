import ssh2 from 'ssh2';

/** An ed25519 key pair: the private key in OpenSSH's format, the public as "ssh-ed25519 AAAA...". */
export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/**
 * A fresh ed25519 key pair, made in this process (no ssh-keygen to spawn). OpenSSH reads ssh2's
 * "OPENSSH PRIVATE KEY" output as it reads its own, for host keys and identities alike.
 */
export function generateKeyPair(): KeyPair {
  const pair = ssh2.utils.generateKeyPairSync('ed25519');
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}
