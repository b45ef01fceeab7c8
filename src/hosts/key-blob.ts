import { createHash } from 'node:crypto';

/**
 * The key type ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa") of an SSH wire-format public
 * key: the blob's first string, a 4-byte big-endian length and that many bytes.
 */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) throw new Error(`not an SSH public key: ${blob.length} bytes`);
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) {
    throw new Error(`not an SSH public key: its type field claims ${length} bytes`);
  }
  return blob.toString('latin1', 4, 4 + length);
}

/** "SHA256:<base64 without padding>" of a wire-format public key, as `ssh-keygen -l` prints it. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
