import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkKnownHost,
  fingerprintSha256,
  keyTypeOf,
  type OfferedHostKey,
} from '../../src/hosts/index.js';

const hasKeygen = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

function keygen(args: string[]): string {
  const result = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

describe.skipIf(!hasKeygen)('known_hosts with keys made by ssh-keygen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lwt-known-hosts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The public key line as ssh-keygen wrote it: "type base64 comment". */
  const pub: Record<string, string> = {};
  const key: Record<string, OfferedHostKey> = {};

  beforeAll(() => {
    for (const [name, type] of [
      ['one', 'ed25519'],
      ['two', 'ed25519'],
      ['ec', 'ecdsa'],
    ] as const) {
      keygen(['-t', type, '-N', '', '-C', name, '-f', join(dir, name), '-q']);
      pub[name] = readFileSync(join(dir, `${name}.pub`), 'utf8').trim();
      const [keyType = '', base64 = ''] = (pub[name] as string).split(' ');
      key[name] = { type: keyType, data: Buffer.from(base64, 'base64') };
    }
  });

  /** "type base64" of a key, as a known_hosts line ends. */
  const keyText = (name: string) => (pub[name] as string).split(' ').slice(0, 2).join(' ');

  function knownHosts(name: string, lines: string[]): string {
    const file = join(dir, name);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  }

  it('reads the key type from the wire-format blob', () => {
    expect(keyTypeOf(key.one!.data)).toBe('ssh-ed25519');
    expect(keyTypeOf(key.ec!.data)).toBe('ecdsa-sha2-nistp256');
    expect(() => keyTypeOf(Buffer.from([0, 0, 0, 99, 1]))).toThrow('not an SSH public key');
  });

  it('prints the fingerprint exactly as ssh-keygen -l does', () => {
    for (const name of ['one', 'ec']) {
      const printed = keygen(['-l', '-f', join(dir, `${name}.pub`)]).split(' ')[1];
      expect(fingerprintSha256(key[name]!.data)).toBe(printed);
    }
  });

  it('tells match, changed and unknown apart for a plain line', async () => {
    const file = knownHosts('plain', ['# comment', '', `127.0.0.2 ${keyText('one')}`]);
    expect(await checkKnownHost([file], '127.0.0.2', 22, key.one!)).toEqual({ status: 'match' });
    expect(await checkKnownHost([file], '127.0.0.2', 22, key.two!)).toEqual({
      status: 'changed',
      file,
      line: 3,
      knownType: 'ssh-ed25519',
    });
    expect(await checkKnownHost([file], '127.0.0.3', 22, key.one!)).toEqual({ status: 'unknown' });
    // A line for port 22 says nothing about another port.
    expect(await checkKnownHost([file], '127.0.0.2', 2222, key.one!)).toEqual({
      status: 'unknown',
    });
  });

  it('matches [host]:port for a port other than 22', async () => {
    const file = knownHosts('ported', [`[127.0.0.2]:2222 ${keyText('one')}`]);
    expect(await checkKnownHost([file], '127.0.0.2', 2222, key.one!)).toEqual({ status: 'match' });
    expect((await checkKnownHost([file], '127.0.0.2', 2222, key.two!)).status).toBe('changed');
    expect(await checkKnownHost([file], '127.0.0.2', 22, key.one!)).toEqual({ status: 'unknown' });
  });

  it('understands comma lists, wildcards and negation', async () => {
    const file = knownHosts('patterns', [
      `lab.localhost,127.0.0.*,!127.0.0.5 ${keyText('one')}`,
      `127.0.1.? ${keyText('one')}`,
    ]);
    const check = async (host: string) => (await checkKnownHost([file], host, 22, key.one!)).status;
    expect(await check('LAB.localhost')).toBe('match');
    expect(await check('127.0.0.4')).toBe('match');
    expect(await check('127.0.0.5')).toBe('unknown');
    expect(await check('127.0.1.7')).toBe('match');
    expect(await check('127.0.1.17')).toBe('unknown');
  });

  it('matches lines hashed by ssh-keygen -H', async () => {
    const file = knownHosts('hashed', [
      `127.0.0.2 ${keyText('one')}`,
      `[127.0.0.3]:2222 ${keyText('one')}`,
    ]);
    keygen(['-H', '-f', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('127.0.0');
    expect(text.split('\n').filter((l) => l.startsWith('|1|'))).toHaveLength(2);
    expect(await checkKnownHost([file], '127.0.0.2', 22, key.one!)).toEqual({ status: 'match' });
    expect(await checkKnownHost([file], '127.0.0.3', 2222, key.one!)).toEqual({ status: 'match' });
    expect(await checkKnownHost([file], '127.0.0.3', 2222, key.two!)).toMatchObject({
      status: 'changed',
      line: 2,
    });
    expect(await checkKnownHost([file], '127.0.0.3', 22, key.one!)).toEqual({ status: 'unknown' });
    expect(await checkKnownHost([file], '127.0.0.4', 22, key.one!)).toEqual({ status: 'unknown' });
  });

  it('reports a revoked key, even when another line lists it', async () => {
    const file = knownHosts('revoked', [
      `127.0.0.2,127.0.0.3 ${keyText('one')}`,
      `@revoked 127.0.0.2 ${keyText('one')}`,
    ]);
    expect(await checkKnownHost([file], '127.0.0.2', 22, key.one!)).toEqual({
      status: 'revoked',
      file,
      line: 2,
    });
    // Revoked for another host only: this host's line still matches.
    expect(await checkKnownHost([file], '127.0.0.3', 22, key.one!)).toEqual({ status: 'match' });
  });

  it('ignores @cert-authority lines', async () => {
    const file = knownHosts('ca', [`@cert-authority 127.0.0.* ${keyText('two')}`]);
    expect(await checkKnownHost([file], '127.0.0.2', 22, key.two!)).toEqual({ status: 'unknown' });
    expect(await checkKnownHost([file], '127.0.0.2', 22, key.one!)).toEqual({ status: 'unknown' });
  });

  it('calls a key of another type unknown, not changed', async () => {
    const file = knownHosts('types', [`127.0.0.2 ${keyText('ec')}`]);
    expect(await checkKnownHost([file], '127.0.0.2', 22, key.one!)).toEqual({ status: 'unknown' });
    const both = knownHosts('both-types', [
      `127.0.0.2 ${keyText('ec')}`,
      `127.0.0.2 ${keyText('one')}`,
    ]);
    expect(await checkKnownHost([both], '127.0.0.2', 22, key.one!)).toEqual({ status: 'match' });
    expect(await checkKnownHost([both], '127.0.0.2', 22, key.ec!)).toEqual({ status: 'match' });
  });

  it('reads several files, skipping missing ones, and tolerates CRLF', async () => {
    const first = knownHosts('first', [`127.0.0.2 ${keyText('two')}`]);
    const second = join(dir, 'second');
    writeFileSync(second, `# fleet\r\n127.0.0.2 ${keyText('one')} root@lab\r\n`);
    const files = [join(dir, 'missing'), first, second];
    expect(await checkKnownHost(files, '127.0.0.2', 22, key.one!)).toEqual({ status: 'match' });
    expect(await checkKnownHost(files, '127.0.0.2', 22, key.ec!)).toEqual({ status: 'unknown' });
    expect(await checkKnownHost([join(dir, 'missing')], '127.0.0.2', 22, key.one!)).toEqual({
      status: 'unknown',
    });
  });

  it('appends keys the way ssh-keygen -F finds them, creating folder and file privately', async () => {
    const file = join(dir, 'new', '.ssh', 'known_hosts');
    await appendKnownHost(file, '127.0.0.2', 22, key.one!);
    await appendKnownHost(file, '127.0.0.2', 2222, key.ec!);
    expect(readFileSync(file, 'utf8')).toBe(
      `127.0.0.2 ${keyText('one')}\n[127.0.0.2]:2222 ${keyText('ec')}\n`,
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'new', '.ssh')).mode & 0o777).toBe(0o700);
    expect(keygen(['-F', '[127.0.0.2]:2222', '-f', file])).toContain(keyText('ec'));
    expect(keygen(['-F', '127.0.0.2', '-f', file])).toContain(keyText('one'));
    expect(await checkKnownHost([file], '127.0.0.2', 2222, key.ec!)).toEqual({ status: 'match' });
  });

  it('starts a new line when the file does not end with one', async () => {
    const file = join(dir, 'no-newline');
    writeFileSync(file, `127.0.0.3 ${keyText('two')}`);
    await appendKnownHost(file, '127.0.0.2', 22, key.one!);
    expect(readFileSync(file, 'utf8')).toBe(
      `127.0.0.3 ${keyText('two')}\n127.0.0.2 ${keyText('one')}\n`,
    );
  });
});
