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
 * "changed". Missing files are fine. Reads the files on every call: to check many hosts, read
 * them once with readKnownHostsFile and use lookUpKnownHost.
 */
export async function checkKnownHost(
  files: readonly string[],
  host: string,
  port: number,
  key: OfferedHostKey,
): Promise<KnownHostResult> {
  const read = await Promise.all(files.map((file) => readKnownHostsFile(file)));
  return lookUpKnownHost(read, host, port, key);
}

/** checkKnownHost over files already read, in the order given (which decides `line` reports). */
export function lookUpKnownHost(
  files: readonly KnownHostsFile[],
  host: string,
  port: number,
  key: OfferedHostKey,
): KnownHostResult {
  const name = knownHostName(host, port).toLowerCase();
  let matched = false;
  let changed: KnownHostResult | undefined;
  for (const file of files) {
    for (const entry of file.linesFor(name, key.type)) {
      const same = entry.data.equals(key.data);
      if (entry.marker === '@revoked') {
        if (same) return { status: 'revoked', file: file.path, line: entry.line };
      } else if (entry.marker === undefined) {
        if (same) matched = true;
        else
          changed ??= {
            status: 'changed',
            file: file.path,
            line: entry.line,
            knownType: entry.type,
          };
      }
    }
  }
  return matched ? { status: 'match' } : (changed ?? { status: 'unknown' });
}

/** One known_hosts file, read and parsed; missing or empty reads as no lines. */
export async function readKnownHostsFile(path: string): Promise<KnownHostsFile> {
  return new KnownHostsFile(path, await readKnownHosts(path));
}

/**
 * A parsed known_hosts file, indexed so that checking a host costs the lines that name it, not
 * the whole file: lines whose host field is a plain list of names are found by name; hashed,
 * wildcard and negated fields are tried one by one, as OpenSSH tries every line.
 */
export class KnownHostsFile {
  readonly #byName = new Map<string, KnownHostLine[]>();
  readonly #patterns: KnownHostLine[] = [];
  #lineCount = 0;

  constructor(
    readonly path: string,
    text: string,
  ) {
    const lines = text.split('\n');
    // The empty string after a final newline is not a line.
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) this.#add(line);
  }

  /** The lines for `name` ("host" or "[host]:port", lowercase) with a key of `type`, in order. */
  linesFor(name: string, type: string): KnownHostLine[] {
    const named = (this.#byName.get(name) ?? []).filter((e) => e.type === type);
    const patterned = this.#patterns.filter(
      (e) => e.type === type && matchKnownHostField(e.hosts, name),
    );
    if (patterned.length === 0) return named;
    return [...named, ...patterned].sort((a, b) => a.line - b.line);
  }

  /** Takes in a line appended to the file since it was read (appendKnownHost's). */
  remember(host: string, port: number, key: OfferedHostKey): void {
    this.#add(knownHostLine(host, port, key));
  }

  #add(text: string): void {
    const entry = parseLine(text, ++this.#lineCount);
    if (!entry) return;
    if (entry.hosts.startsWith('|') || /[*?!]/.test(entry.hosts)) {
      this.#patterns.push(entry);
      return;
    }
    // A plain comma list: each name matches only itself, without regard to case.
    for (const name of new Set(entry.hosts.toLowerCase().split(','))) {
      const list = this.#byName.get(name);
      if (list) list.push(entry);
      else this.#byName.set(name, [entry]);
    }
  }
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
  const line = `${knownHostLine(host, port, key)}\n`;
  // A file whose last line has no newline would glue the new line onto it.
  const separator = (await endsWithoutNewline(file)) ? '\n' : '';
  await appendFile(file, separator + line, { mode: 0o600 });
}

/** The line appendKnownHost writes, without its newline. */
function knownHostLine(host: string, port: number, key: OfferedHostKey): string {
  return `${knownHostName(host.toLowerCase(), port)} ${key.type} ${key.data.toString('base64')}`;
}

/** One host key line of a known_hosts file. */
export interface KnownHostLine {
  /** Its number in the file, from 1. */
  readonly line: number;
  readonly marker?: string;
  readonly hosts: string;
  readonly type: string;
  readonly data: Buffer;
}

/** One line's fields; undefined for comments, blanks and lines OpenSSH would skip. */
function parseLine(text: string, line: number): KnownHostLine | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return undefined;
  const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
  const [hosts, type, base64] = fields;
  if (hosts === undefined || type === undefined || base64 === undefined) return undefined;
  return {
    line,
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
