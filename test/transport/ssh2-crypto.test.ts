import * as nodeCrypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  randomFillSync,
  verify,
} from '../../src/transport/ssh2/ssh2-crypto.js';

/** Node's own export of a public key, past any export of the key's own. */
function nodeExport(key: KeyObject, options: { type: 'spki'; format: 'der' | 'pem' }): unknown {
  const classExport = (Object.getPrototypeOf(key) as KeyObject).export as (
    this: KeyObject,
    options: object,
  ) => unknown;
  return classExport.call(key, options);
}
const spkiOf = (key: KeyObject) => nodeExport(key, { type: 'spki', format: 'der' }) as Buffer;

describe("node:crypto's fast paths for ssh2", () => {
  it('keeps the rest of node:crypto as it is', () => {
    expect(randomBytes).toBe(nodeCrypto.randomBytes);
    expect(diffieHellman).toBe(nodeCrypto.diffieHellman);
    expect(createPublicKey).toBe(nodeCrypto.createPublicKey);
    expect(verify).toBe(nodeCrypto.verify);
  });

  it('exports an X25519 public key as the SPKI DER node:crypto would, and agrees on secrets', () => {
    for (let i = 0; i < 100; i++) {
      const ours = generateKeyPairSync('x25519');
      const der = ours.publicKey.export({ type: 'spki', format: 'der' });
      expect(der.equals(spkiOf(ours.publicKey))).toBe(true);
      // A copy each time: ssh2 may keep or change what it is given.
      expect(ours.publicKey.export({ type: 'spki', format: 'der' })).not.toBe(der);
      expect(ours.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
        nodeExport(ours.publicKey, { type: 'spki', format: 'pem' }),
      );
      const theirs = nodeCrypto.generateKeyPairSync('x25519');
      const secret = diffieHellman({ privateKey: ours.privateKey, publicKey: theirs.publicKey });
      const same = diffieHellman({
        privateKey: theirs.privateKey,
        publicKey: createPublicKey({ key: der, format: 'der', type: 'spki' }),
      });
      expect(secret.equals(same)).toBe(true);
    }
    // Other key types and encodings are Node's own.
    const ed = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    });
    expect(Buffer.isBuffer(ed.publicKey)).toBe(true);
  });

  it('fills small ranges with random bytes, each used once, and only the range', () => {
    const seen = new Set<string>();
    // Past several refills of the pool.
    for (let i = 0; i < 2000; i++) {
      const size = 4 + (i % 16);
      const packet = Buffer.alloc(64, 0xaa);
      expect(randomFillSync(packet, 20, size)).toBe(packet);
      expect(packet.subarray(0, 20).every((b) => b === 0xaa)).toBe(true);
      expect(packet.subarray(20 + size).every((b) => b === 0xaa)).toBe(true);
      if (size === 16) seen.add(packet.subarray(20, 36).toString('hex'));
    }
    // 125 fills of 16 bytes, no two alike; and the bytes are not constant.
    expect(seen.size).toBe(125);
    const all = Buffer.alloc(4096);
    for (let at = 0; at < all.length; at += 16) randomFillSync(all, at, 16);
    expect(new Set(all).size).toBeGreaterThan(200);
  });

  it("hands other fills to node:crypto, with node:crypto's checks", () => {
    const big = Buffer.alloc(1024);
    randomFillSync(big, 0, 1024);
    expect(big.equals(Buffer.alloc(1024))).toBe(false);
    const whole = new Uint8Array(32);
    randomFillSync(whole);
    expect(whole.some((b) => b !== 0)).toBe(true);
    const outside = () => randomFillSync(Buffer.alloc(8), 4, 8);
    expect(outside).toThrow(/out of range/i);
  });
});
