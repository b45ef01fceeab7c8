import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { loadIdentities } from '../../src/transport/ssh2/identities.js';

const hasKeygen = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

/**
 * lwt signs with a key object made once instead of ssh2's per-signature PEM decoding; what the
 * server receives must not change: the same signature where the algorithm is deterministic,
 * and one that ssh2's own key verifies where it is not (ECDSA).
 */
describe.skipIf(!hasKeygen)('identities sign as ssh2 would', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwt-identities-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const data = Buffer.from('session id and userauth request');

  const make = (name: string, args: string[]): ParsedKey => {
    const made = spawnSync('ssh-keygen', [...args, '-N', '', '-q', '-f', join(dir, name)]);
    expect(made.status).toBe(0);
    const parsed = ssh2.utils.parseKey(readFileSync(join(dir, name)));
    if (parsed instanceof Error || Array.isArray(parsed)) throw new Error(`cannot parse ${name}`);
    return parsed;
  };

  it.each([
    ['ed25519', ['-t', 'ed25519'], [undefined]],
    ['rsa', ['-t', 'rsa', '-b', '2048'], [undefined, 'sha1', 'sha256', 'sha512']],
  ] as const)('%s: the same signatures', async (name, args, algorithms) => {
    const theirs = make(name, [...args]);
    const [ours] = await loadIdentities([join(dir, name)]);
    expect(ours).toBeDefined();
    for (const algorithm of algorithms) {
      const signature = ours!.key.sign(data, algorithm);
      expect(signature).toBeInstanceOf(Buffer);
      expect((signature as Buffer).equals(theirs.sign(data, algorithm) as Buffer)).toBe(true);
    }
  });

  it.each([256, 384, 521])('ecdsa %i: signatures that ssh2 verifies', async (bits) => {
    const name = `ecdsa${bits}`;
    const theirs = make(name, ['-t', 'ecdsa', '-b', String(bits)]);
    const [ours] = await loadIdentities([join(dir, name)]);
    const signature = ours!.key.sign(data);
    expect(signature).toBeInstanceOf(Buffer);
    expect(theirs.verify(data, signature as Buffer)).toBe(true);
    expect(theirs.verify(Buffer.from('something else'), signature as Buffer)).toBe(false);
  });
});
