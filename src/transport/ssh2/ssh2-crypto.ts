/**
 * node:crypto as ssh2 sees it inside lwt's CLI bundle (scripts/bundle-cli.mjs points ssh2's
 * `require('crypto')` here): the same module, with faster paths for two calls that ssh2 makes
 * on every connection or packet. Each gives the very bytes the slow one would (tested against
 * it); anything else goes to node:crypto unchanged. Measured on Node 20, 22 and 24 in NOTES.md
 * (2026-12-03), where the other fast paths this module had (key imports, PEM signature checks)
 * went: they paid under Node 20's OpenSSL 3.0 and not under 22's and 24's OpenSSL 3.5.
 *
 * ssh2 exports its X25519 public key as SPKI DER and keeps the last 32 bytes: OpenSSL's
 * encoder costs 30-140 us a connection more than the same key as a JWK (its raw 32 bytes).
 *
 * The random padding of every packet sent (4-19 bytes): randomFillSync costs 5-11 us a call
 * whatever the size, under 1 us from a pool that node:crypto refills 4 KiB at a time; each
 * byte is used once.
 */
import * as nodeCrypto from 'node:crypto';

export * from 'node:crypto';

/** The SPKI DER of an X25519 public key is this header, then the 32 raw bytes. */
const X25519_SPKI_HEADER = Buffer.from('302a300506032b656e032100', 'hex');

// Node declares generateKeyPairSync with one overload per key type and encoding; this wrapper
// changes one case and hands every other call through as it came.
type GenerateKeyPairSync = typeof nodeCrypto.generateKeyPairSync;

/**
 * generateKeyPairSync; an X25519 pair's public key exports itself as SPKI DER from its raw
 * bytes (a JWK export) instead of through OpenSSL's encoder. Other exports are Node's.
 */
export const generateKeyPairSync = ((type: string, options?: unknown) => {
  if (type !== 'x25519' || options !== undefined) {
    return (nodeCrypto.generateKeyPairSync as (t: string, o?: unknown) => unknown)(type, options);
  }
  const pair = nodeCrypto.generateKeyPairSync('x25519');
  const publicKey = pair.publicKey;
  const slowExport = publicKey.export.bind(publicKey) as (options?: unknown) => unknown;
  let spki: Buffer | undefined;
  Object.defineProperty(publicKey, 'export', {
    value: (exportOptions?: { type?: string; format?: string }) => {
      if (exportOptions?.type !== 'spki' || exportOptions.format !== 'der') {
        return slowExport(exportOptions);
      }
      if (spki === undefined) {
        const jwk = slowExport({ format: 'jwk' }) as nodeCrypto.JsonWebKey;
        spki = Buffer.concat([X25519_SPKI_HEADER, Buffer.from(jwk.x ?? '', 'base64url')]);
      }
      return Buffer.from(spki);
    },
  });
  return pair;
}) as GenerateKeyPairSync;

const POOL = Buffer.allocUnsafe(4096);
let poolUsed = POOL.length;
const POOLED_MAX = 64;

/** randomFillSync; a fill of at most 64 bytes of a Buffer comes from the pool. */
export function randomFillSync<T extends NodeJS.ArrayBufferView>(
  buffer: T,
  offset?: number,
  size?: number,
): T {
  if (
    Buffer.isBuffer(buffer) &&
    Number.isInteger(offset) &&
    Number.isInteger(size) &&
    (offset as number) >= 0 &&
    (size as number) > 0 &&
    (size as number) <= POOLED_MAX &&
    (offset as number) + (size as number) <= buffer.length
  ) {
    const start = offset as number;
    const length = size as number;
    if (poolUsed + length > POOL.length) {
      nodeCrypto.randomFillSync(POOL);
      poolUsed = 0;
    }
    POOL.copy(buffer, start, poolUsed, poolUsed + length);
    poolUsed += length;
    return buffer;
  }
  return nodeCrypto.randomFillSync(buffer, offset, size);
}
