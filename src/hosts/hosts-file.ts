import { readFile } from 'node:fs/promises';
import { UsageError } from '../usage-error.js';
import type { HostEntry } from './host-entry.js';
import { parseHostSpec } from './host-spec.js';
import { expandHostPattern, type SourceLocation } from './ranges.js';

const LINE_FORMS = 'web01, deploy@10.0.0.5:2222 tags=web, or name<TAB>category<TAB>home';
const KEYS = 'tags=a,b, home=/path or slots=N';

/**
 * Parses a hosts file. Each line is LWT's `name<TAB>category<TAB>home` (the category becomes a
 * tag, home is optional) or `[user@]host[:port] [tags=a,b] [home=/path] [slots=N]`; ranges
 * expand in the host part (`web[01-20] tags=web`). `#` starts a comment at the start of a line
 * or after whitespace. Every mistake is a UsageError naming `file:line` and the fix.
 */
export function parseHostsFile(text: string, file: string): HostEntry[] {
  const entries: HostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const where = { file, line: index + 1 };
    const line = raw
      .replace(/\r$/, '')
      .replace(/(^|\s)#.*$/, '')
      .trimEnd();
    if (line.trim() === '') return;
    entries.push(...parseLine(line, where));
  });
  return entries;
}

/**
 * Reads and parses a hosts file. A missing or unreadable file, or one with no hosts, is a
 * UsageError that says how to name hosts instead.
 */
export async function loadHostsFile(path: string): Promise<HostEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new UsageError(
      `cannot read hosts file ${path} (${why}): create it (see hosts.example), ` +
        'name another with -H FILE or LWT_HOSTS, or list hosts with -w LIST',
    );
  }
  const entries = parseHostsFile(text, path);
  if (entries.length === 0) {
    throw new UsageError(
      `no hosts in ${path}: add lines like \`web01\` or \`deploy@10.0.0.5:2222 tags=web\` ` +
        '(see hosts.example)',
    );
  }
  return entries;
}

function parseLine(line: string, where: SourceLocation): HostEntry[] {
  const fields = line.split('\t');
  // LWT's form is tab-separated and has no key=value; a tab before key=value is just spacing.
  if (fields.length > 1 && !(fields[1] as string).includes('=')) {
    return parseLwtLine(fields, where);
  }
  const [pattern = '', ...pairs] = line.trim().split(/\s+/);
  const attributes = parseAttributes(pairs, where);
  return expandEntries(pattern, attributes, where);
}

function parseLwtLine(fields: string[], where: SourceLocation): HostEntry[] {
  const [name = '', category = '', home = '', ...extra] = fields.map((f) => f.trim());
  if (extra.some((f) => f !== '')) {
    throw new UsageError(
      `${fields.length} tab-separated fields, but LWT's form has at most 3 ` +
        '(name<TAB>category<TAB>home): remove the extra fields, or use key=value attributes',
      where,
    );
  }
  const attributes: Attributes = {
    tags: category === '' ? [] : [category],
    ...(home !== '' && { home }),
  };
  return expandEntries(name, attributes, where);
}

interface Attributes {
  readonly tags: readonly string[];
  readonly home?: string;
  readonly slots?: number;
}

function parseAttributes(pairs: readonly string[], where: SourceLocation): Attributes {
  const seen = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(
        `'${pair}' is not key=value: after the host write ${KEYS} ` +
          "(LWT's name<TAB>category<TAB>home form needs tabs between its fields)",
        where,
      );
    }
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!['tags', 'home', 'slots'].includes(key)) {
      throw new UsageError(`unknown key '${key}': the keys are ${KEYS}`, where);
    }
    if (seen.has(key)) {
      throw new UsageError(`${key}= given twice: give it once (tags take a comma list)`, where);
    }
    if (value === '') throw new UsageError(`${key}= has no value: write ${KEYS}`, where);
    seen.set(key, value);
  }
  const tags = seen.get('tags');
  const home = seen.get('home');
  const slots = seen.get('slots');
  return {
    tags: tags === undefined ? [] : tags.split(',').filter((t) => t !== ''),
    ...(home !== undefined && { home }),
    ...(slots !== undefined && { slots: parseSlots(slots, where) }),
  };
}

function parseSlots(text: string, where: SourceLocation): number {
  const slots = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(slots >= 1) || !Number.isSafeInteger(slots)) {
    throw new UsageError(
      `slots=${text} is not a whole number of 1 or more: write slots=1 for one task at a time`,
      where,
    );
  }
  return slots;
}

function expandEntries(
  pattern: string,
  attributes: Attributes,
  where: SourceLocation,
): HostEntry[] {
  if (pattern === '') {
    throw new UsageError(`no host at the start of the line: write ${LINE_FORMS}`, where);
  }
  return expandHostPattern(pattern, where).map((spec) => ({
    ...parseHostSpec(spec, where),
    ...attributes,
    source: where,
  }));
}
