import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig, { LineType, type Line } from 'ssh-config';
import { UsageError } from '../usage-error.js';

/** An ssh_config file (~/.ssh/config or ssh -F) parsed once, its `Include`s read in. */
export interface ParsedSshConfig {
  /** The file it was read from; "ssh config" when parsed from text. */
  readonly file: string;
  /** The parsed lines, for resolveSshSettings. */
  readonly lines: SSHConfig;
}

/**
 * ProxyCommand is stored as a ProxyJump with this mark in front: OpenSSH takes whichever of the
 * two comes first, and one key lets ssh-config's first-value-wins decide. The command follows
 * the mark in base64url, so that ssh-config's tokenizer (which drops backslashes, folds spaces
 * inside single quotes and cuts at '#') leaves it as written.
 */
export const PROXY_COMMAND_MARK = '\u0000ProxyCommand ';

/** The ProxyCommand a ProxyJump value stands for, or undefined when it is a real ProxyJump. */
export function proxyCommandOf(value: string): string | undefined {
  if (!value.startsWith(PROXY_COMMAND_MARK)) return undefined;
  return Buffer.from(value.slice(PROXY_COMMAND_MARK.length), 'base64url').toString('utf8');
}

/** OpenSSH's READCONF_MAX_DEPTH: deeper Includes are a loop. */
const MAX_INCLUDE_DEPTH = 16;

/**
 * Parses ssh_config text. `Include` is read in as OpenSSH does (relative paths from ~/.ssh,
 * `*` and `?` in the file name, missing files skipped), except that the Host and Match blocks
 * of a file included inside another block are left out: lwt cannot nest them.
 */
export function parseSshConfig(
  text: string,
  options: { file?: string; homeDir?: string } = {},
): ParsedSshConfig {
  const file = options.file ?? 'ssh config';
  const home = options.homeDir ?? homedir();
  const lines = inlineIncludes(parseText(text, file), home, 0);
  return { file, lines };
}

/**
 * Reads the ssh config: `path` as ssh -F (a missing file is a UsageError), or with none
 * ~/.ssh/config when it exists. Resolves to undefined when there is no config at all.
 */
export async function loadSshConfig(
  path: string | undefined,
  homeDir: string = homedir(),
): Promise<ParsedSshConfig | undefined> {
  const file = path ?? join(homeDir, '.ssh', 'config');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (path === undefined && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    throw new UsageError(
      `cannot read ssh config ${file} (${code === 'ENOENT' ? 'no such file' : (error as Error).message}): ` +
        (path === undefined ? 'fix its permissions or move it away' : 'check the path given to -F'),
    );
  }
  return parseSshConfig(text, { file, homeDir });
}

function parseText(text: string, file: string): SSHConfig {
  try {
    return SSHConfig.parse(markProxyCommands(text, file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot parse ssh config ${file}: ${(error as Error).message}: fix that line ` +
        '(an unclosed quote, or a Match criterion without its value)',
    );
  }
}

/** The lines with every Include replaced by the lines of the files it names. */
function inlineIncludes(lines: SSHConfig, home: string, depth: number): SSHConfig {
  const result = new SSHConfig();
  for (const line of lines) {
    if (isInclude(line)) {
      for (const included of readIncludes(line, home, depth)) result.push(included);
    } else if (line.type === LineType.DIRECTIVE && 'config' in line) {
      const block = new SSHConfig();
      for (const inner of line.config) {
        if (!isInclude(inner)) block.push(inner);
        // Inside a block only the included file's own directives apply; its blocks cannot nest.
        else block.push(...readIncludes(inner, home, depth).filter((l) => !('config' in l)));
      }
      result.push({ ...line, config: block });
    } else {
      result.push(line);
    }
  }
  return result;
}

/**
 * Each `ProxyCommand` line as a marked ProxyJump (PROXY_COMMAND_MARK). OpenSSH takes the rest of
 * the line after the keyword, its blanks and '=' verbatim, quotes, backslashes and '#' included
 * (readconf.c, oProxyCommand), and so does this.
 */
function markProxyCommands(text: string, file: string): string {
  return text.replace(
    /^([ \t]*)proxycommand(?=[ \t=]|\r?$)(.*)$/gim,
    (_line, indent: string, rest: string, offset: number) => {
      const command = rest.replace(/^[ \t=]+/, '').replace(/[ \t\r\f]+$/, '');
      if (command === '') {
        throw new UsageError('ProxyCommand without a command: write one, or none', {
          file,
          line: lineNumber(text, offset),
        });
      }
      const encoded = Buffer.from(command, 'utf8').toString('base64url');
      return `${indent}ProxyJump ${PROXY_COMMAND_MARK}${encoded}`;
    },
  );
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function isInclude(line: Line): boolean {
  return line.type === LineType.DIRECTIVE && /^include$/i.test(line.param);
}

function readIncludes(line: Line, home: string, depth: number): Line[] {
  if (line.type !== LineType.DIRECTIVE) return [];
  const patterns = Array.isArray(line.value) ? line.value.map((v) => v.val) : [line.value];
  if (depth + 1 > MAX_INCLUDE_DEPTH) {
    throw new UsageError(
      `Include nested more than ${MAX_INCLUDE_DEPTH} deep (${patterns.join(' ')}): ` +
        'an ssh config includes itself; remove the loop',
    );
  }
  const lines: Line[] = [];
  for (const pattern of patterns) {
    for (const file of matchFiles(pattern, home)) {
      const parsed = parseText(readIncluded(file), file);
      lines.push(...inlineIncludes(parsed, home, depth + 1));
    }
  }
  return lines;
}

function readIncluded(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}, named by an ssh config Include: ${(error as Error).message}; ` +
        'fix its permissions or the Include line',
    );
  }
}

/** The files an Include pattern names, sorted as glob(3) sorts them; wildcards in the name only. */
function matchFiles(pattern: string, home: string): string[] {
  const path = pattern.startsWith('~/')
    ? join(home, pattern.slice(2))
    : isAbsolute(pattern)
      ? pattern
      : join(home, '.ssh', pattern);
  const name = basename(path);
  if (!/[*?]/.test(name)) return existsSync(path) ? [path] : [];
  const folder = dirname(path);
  const regex = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((n) => regex.test(n) && !n.startsWith('.'))
    .sort()
    .map((n) => join(folder, n));
}
