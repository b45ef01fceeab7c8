import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/testing/keys.js';

describe('generateKeyPair', () => {
  it('never hands out the 1-in-256 ed25519 key that ssh2 mangles', () => {
    // 3000 pairs: with ssh2's keygen alone about 12 of them fail to parse (tried).
    const refused: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const pair = generateKeyPair();
      for (const key of [pair.privateKey, pair.publicKey]) {
        const parsed = ssh2.utils.parseKey(key);
        if (parsed instanceof Error) refused.push(parsed.message);
      }
      expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/);
    }
    expect(refused).toEqual([]);
  });
});
