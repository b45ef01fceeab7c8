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

/** A public key as PEM text, the way ssh2 writes them (64-character lines, no final newline). */
function pemLikeSsh2(der: Buffer): string {
  const b64 = der.toString('base64');
  let lines = b64.replace(/.{64}/g, '$&\n');
  if (b64.length % 64 !== 0) lines += '\n';
  return `-----BEGIN PUBLIC KEY-----\n${lines}-----END PUBLIC KEY-----`;
}

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
  });

  it('imports 25519 SPKI DER as the same key node:crypto would make', () => {
    for (let i = 0; i < 100; i++) {
      for (const type of ['x25519', 'ed25519'] as const) {
        const der = spkiOf(nodeCrypto.generateKeyPairSync(type as 'x25519').publicKey);
        const fast = createPublicKey({ key: der, format: 'der', type: 'spki' });
        const slow = nodeCrypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
        expect(fast.equals(slow)).toBe(true);
        expect(fast.asymmetricKeyType).toBe(type);
      }
    }
  });

  it('hands other keys to node:crypto, errors included', () => {
    const rsa = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const der = spkiOf(rsa);
    expect(createPublicKey({ key: der, format: 'der', type: 'spki' }).equals(rsa)).toBe(true);
    const pem = rsa.export({ type: 'spki', format: 'pem' });
    expect(createPublicKey(pem).equals(rsa)).toBe(true);
    // A 25519 header on other lengths is Node's to judge: the same answer either way.
    const der25519 = spkiOf(nodeCrypto.generateKeyPairSync('x25519').publicKey);
    const judged = (create: typeof createPublicKey, key: Buffer) => {
      try {
        return create({ key, format: 'der', type: 'spki' }).export({ format: 'jwk' });
      } catch (error) {
        return (error as Error).message;
      }
    };
    for (const key of [der25519.subarray(0, 43), Buffer.concat([der25519, Buffer.from([0])])]) {
      expect(judged(createPublicKey, key)).toEqual(judged(nodeCrypto.createPublicKey, key));
    }
    // Node refuses a cut key; its words differ from one Node to the next.
    const cut = der25519.subarray(0, 43);
    expect(() => createPublicKey({ key: cut, format: 'der', type: 'spki' })).toThrow();
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

  it('verifies Ed25519 signatures against PEM text as node:crypto does', () => {
    for (let i = 0; i < 100; i++) {
      const pair = nodeCrypto.generateKeyPairSync('ed25519');
      const pem = pemLikeSsh2(spkiOf(pair.publicKey));
      const data = nodeCrypto.randomBytes(32);
      const signature = nodeCrypto.sign(null, data, pair.privateKey);
      expect(verify(null, data, pem, signature)).toBe(true);
      const tampered = Buffer.from(signature);
      tampered[i % tampered.length] = (tampered[i % tampered.length] as number) ^ 1;
      expect(verify(null, data, pem, tampered)).toBe(false);
      expect(nodeCrypto.verify(null, data, pem, tampered)).toBe(false);
      // Another key's signature.
      const other = nodeCrypto.sign(
        null,
        data,
        nodeCrypto.generateKeyPairSync('ed25519').privateKey,
      );
      expect(verify(null, data, pem, other)).toBe(false);
    }
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

  it('hands other verifications to node:crypto', () => {
    const rsa = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
    const data = Buffer.from('signed');
    const signature = nodeCrypto.sign('sha256', data, rsa.privateKey);
    expect(verify('sha256', data, pem, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('other'), pem, signature)).toBe(false);
    expect(() => verify(null, data, 'not a key', signature)).toThrow();
  });
});
