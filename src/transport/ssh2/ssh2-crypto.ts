/**
 * node:crypto as ssh2 sees it inside lwt's CLI bundle (scripts/bundle-cli.mjs points ssh2's
 * `require('crypto')` here): the same module, with faster paths for four calls that ssh2
 * makes on every connection or packet. Measured in NOTES.md (2026-11-23, fourth session).
 *
 * Three are keys: OpenSSL 3 imports and exports keys through its generic DER/PEM encoders and decoders,
 * which cost 150-270 us a call on this machine, while the same key as a JWK (its raw 32 bytes)
 * takes 3-30 us. ssh2 exports its X25519 public key as SPKI DER and keeps the last 32 bytes,
 * imports the server's as DER it has just built around 32 bytes, and checks the host key's
 * signature with a PEM string it has built the same way: 0.4 ms a host, about 8% of `lwt exec`
 * at 200 hosts. Each fast path gives the very key or bytes the slow one would (tested against
 * it); anything else goes to node:crypto unchanged.
 *
 * The fourth is the random padding of every packet sent (4-19 bytes): randomFillSync costs
 * 4 us a call whatever the size, 3% of the CPU of a 10 MB put. Small fills come from a pool
 * that node:crypto refills 4 KiB at a time; each byte is used once.
 */
import * as nodeCrypto from 'node:crypto';
import type {
  KeyLike,
  KeyObject,
  PublicKeyInput,
  VerifyJsonWebKeyInput,
  VerifyKeyObjectInput,
  VerifyPublicKeyInput,
} from 'node:crypto';

export * from 'node:crypto';

/** The SPKI DER of a 25519 public key is this header, then the 32 raw bytes. */
const SPKI_HEADER = {
  X25519: Buffer.from('302a300506032b656e032100', 'hex'),
  Ed25519: Buffer.from('302a300506032b6570032100', 'hex'),
} as const;
type Curve = keyof typeof SPKI_HEADER;
const SPKI_LENGTH = 12 + 32;

/** The raw key inside a 25519 SPKI DER, or undefined when `der` is anything else. */
function rawFromSpki(der: Uint8Array, curve: Curve): Buffer | undefined {
  if (der.length !== SPKI_LENGTH) return undefined;
  const header = SPKI_HEADER[curve];
  for (let i = 0; i < header.length; i++) if (der[i] !== header[i]) return undefined;
  return Buffer.from(der.buffer, der.byteOffset + header.length, 32);
}

function curveOfSpki(der: Uint8Array): { curve: Curve; raw: Buffer } | undefined {
  for (const curve of ['X25519', 'Ed25519'] as const) {
    const raw = rawFromSpki(der, curve);
    if (raw !== undefined) return { curve, raw };
  }
  return undefined;
}

function fromRaw(curve: Curve, raw: Buffer): KeyObject {
  return nodeCrypto.createPublicKey({
    key: { kty: 'OKP', crv: curve, x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** createPublicKey; a 25519 SPKI DER goes in as a JWK (ssh2's X25519 key exchange). */
export function createPublicKey(key: PublicKeyInput | string | Buffer | KeyObject): KeyObject {
  if (typeof key === 'object' && !Buffer.isBuffer(key) && 'key' in key) {
    const { format, type } = key as PublicKeyInput;
    const der = (key as PublicKeyInput).key;
    if (format === 'der' && type === 'spki' && Buffer.isBuffer(der)) {
      const found = curveOfSpki(der);
      if (found !== undefined) return fromRaw(found.curve, found.raw);
    }
  }
  return nodeCrypto.createPublicKey(key);
}

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
        spki = Buffer.concat([SPKI_HEADER.X25519, Buffer.from(jwk.x ?? '', 'base64url')]);
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

const ED25519_PEM = /^-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=\n]+)-----END PUBLIC KEY-----\n?$/;

/** An Ed25519 public key given as PEM text, as ssh2 builds them, or undefined. */
function ed25519FromPem(pem: string): KeyObject | undefined {
  const match = ED25519_PEM.exec(pem);
  if (match === null) return undefined;
  const raw = rawFromSpki(
    Buffer.from((match[1] as string).replace(/\n/g, ''), 'base64'),
    'Ed25519',
  );
  return raw === undefined ? undefined : fromRaw('Ed25519', raw);
}

type VerifyKey = KeyLike | VerifyKeyObjectInput | VerifyPublicKeyInput | VerifyJsonWebKeyInput;

/** verify; an Ed25519 key given as PEM text goes in as a JWK (ssh2's host key check). */
export function verify(
  algorithm: string | null | undefined,
  data: NodeJS.ArrayBufferView,
  key: VerifyKey,
  signature: NodeJS.ArrayBufferView,
): boolean;
export function verify(
  algorithm: string | null | undefined,
  data: NodeJS.ArrayBufferView,
  key: VerifyKey,
  signature: NodeJS.ArrayBufferView,
  callback: (error: Error | null, result: boolean) => void,
): void;
export function verify(
  algorithm: string | null | undefined,
  data: NodeJS.ArrayBufferView,
  key: VerifyKey,
  signature: NodeJS.ArrayBufferView,
  callback?: (error: Error | null, result: boolean) => void,
): boolean | void {
  const fast =
    (algorithm === null || algorithm === undefined) && typeof key === 'string'
      ? ed25519FromPem(key)
      : undefined;
  const chosen = fast ?? key;
  if (callback !== undefined)
    return nodeCrypto.verify(algorithm, data, chosen, signature, callback);
  return nodeCrypto.verify(algorithm, data, chosen, signature);
}
