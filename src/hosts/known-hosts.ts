import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../usage-error.js';
import { knownHostName, matchKnownHostField } from './host-patterns.js';

/** A host key as the server offered it: its type and its SSH wire-format blob. */
export interface OfferedHostKey {
  readonly type: string;
  readonly data: Buffer;
}

/** What known_hosts says about an offered host key. */
export type KnownHostResult =
  /** A line for this host holds exactly this key. */
  | { readonly status: 'match' }
  /** No line for this host holds a key of this type. */
  | { readonly status: 'unknown' }
  /** A line for this host holds a different key of the same type: a changed key, or an attack. */
  | {
      readonly status: 'changed';
      readonly file: string;
      readonly line: number;
      readonly knownType: string;
    }
  /** An `@revoked` line for this host holds this key: never accept it. */
  | { readonly status: 'revoked'; readonly file: string; readonly line: number };

/**
 * Checks a host key against known_hosts files as OpenSSH does: lines for `[host]:port` (the bare
 * host on port 22), plain, wildcard, negated or hashed; `@revoked` wins over everything,
 * `@cert-authority` lines are not host keys. Only a key of the offered type can make it
 * "changed". Missing files are fine.
 */
export async function checkKnownHost(
  files: readonly string[],
  host: string,
  port: number,
  key: OfferedHostKey,
): Promise<KnownHostResult> {
  const name = knownHostName(host, port);
  let matched = false;
  let changed: KnownHostResult | undefined;
  for (const file of files) {
    const lines = (await readKnownHosts(file)).split('\n');
    for (let index = 0; index < lines.length; index++) {
      const entry = parseLine(lines[index] as string);
      if (!entry || entry.type !== key.type || !matchKnownHostField(entry.hosts, name)) continue;
      const same = entry.data.equals(key.data);
      if (entry.marker === '@revoked') {
        if (same) return { status: 'revoked', file, line: index + 1 };
      } else if (entry.marker === undefined) {
        if (same) matched = true;
        else changed ??= { status: 'changed', file, line: index + 1, knownType: entry.type };
      }
    }
  }
  return matched ? { status: 'match' } : (changed ?? { status: 'unknown' });
}

/**
 * Remembers a host key: appends `host keytype base64` (`[host]:port ...` for a port other than
 * 22), creating the folder (0700) and the file (0600) when missing, as ssh does.
 */
export async function appendKnownHost(
  file: string,
  host: string,
  port: number,
  key: OfferedHostKey,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const line = `${knownHostName(host.toLowerCase(), port)} ${key.type} ${key.data.toString('base64')}\n`;
  // A file whose last line has no newline would glue the new line onto it.
  const separator = (await endsWithoutNewline(file)) ? '\n' : '';
  await appendFile(file, separator + line, { mode: 0o600 });
}

interface KnownHostLine {
  readonly marker?: string;
  readonly hosts: string;
  readonly type: string;
  readonly data: Buffer;
}

/** One line's fields; undefined for comments, blanks and lines OpenSSH would skip. */
function parseLine(text: string): KnownHostLine | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return undefined;
  const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
  const [hosts, type, base64] = fields;
  if (hosts === undefined || type === undefined || base64 === undefined) return undefined;
  return {
    ...(marker !== undefined && { marker }),
    hosts,
    type,
    data: Buffer.from(base64, 'base64'),
  };
}

async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return '';
    throw new UsageError(
      `cannot read known hosts file ${file}: ${(error as Error).message}; ` +
        'fix its permissions, or name another with UserKnownHostsFile in the ssh config',
    );
  }
}

async function endsWithoutNewline(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}
