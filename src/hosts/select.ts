import { UsageError } from '../usage-error.js';
import type { HostEntry } from './host-entry.js';
import { parseHostSpec } from './host-spec.js';
import { expandHostPattern, splitHostList } from './ranges.js';

/** Which hosts a command runs on, as pdsh's and clush's flags say. */
export interface HostSelection {
  /** -w: a comma list with ranges and `user@host:port`, used instead of the file's hosts. */
  readonly list?: string;
  /** -g: keep hosts with any of these tags; each value may itself be a comma list. */
  readonly tags?: readonly string[];
  /** -x: a comma list with ranges; removes hosts by name or by host. */
  readonly exclude?: string;
}

/**
 * Picks the hosts to run on: the -w list (a listed host that is in the file keeps its home, tags
 * and slots) or else the file's entries, then -g, then -x, without duplicates (same user, host
 * and port; the first wins). An empty result is a UsageError that says why.
 */
export function selectHosts(
  entries: readonly HostEntry[] | undefined,
  selection: HostSelection,
): HostEntry[] {
  let hosts: HostEntry[];
  if (selection.list !== undefined) {
    const list = selection.list;
    hosts = naming('-w', () => expandList(list).map((spec) => fromFile(spec, entries ?? [])));
    if (hosts.length === 0) {
      throw new UsageError(`-w names no hosts: give a list like -w web[01-05],db1`);
    }
  } else if (entries === undefined) {
    throw new UsageError(
      'no hosts file: create ./hosts (see hosts.example), name one with -H FILE or LWT_HOSTS, ' +
        'or list hosts with -w LIST',
    );
  } else {
    hosts = [...entries];
  }
  const tags = (selection.tags ?? []).flatMap((t) => t.split(',')).filter((t) => t !== '');
  if (tags.length > 0) hosts = keepTagged(hosts, tags);
  if (selection.exclude !== undefined) hosts = removeExcluded(hosts, selection.exclude);
  return removeDuplicates(hosts);
}

function expandList(list: string): string[] {
  return splitHostList(list).flatMap((item) => expandHostPattern(item));
}

/** Runs `parse`, putting the flag in front of its UsageError: "-w: bad range ...". */
function naming<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}

/** A -w item, with the attributes of the file's entry of that name (or of that host). */
function fromFile(spec: string, entries: readonly HostEntry[]): HostEntry {
  const listed = parseHostSpec(spec);
  const known =
    entries.find((e) => e.name === listed.name) ?? entries.find((e) => e.host === listed.host);
  if (!known) return { ...listed, tags: [] };
  const user = listed.user ?? known.user;
  const port = listed.port ?? known.port;
  return {
    ...known,
    name: listed.name,
    ...(user !== undefined && { user }),
    ...(port !== undefined && { port }),
  };
}

function keepTagged(hosts: readonly HostEntry[], tags: readonly string[]): HostEntry[] {
  const kept = hosts.filter((h) => h.tags.some((t) => tags.includes(t)));
  if (kept.length === 0) {
    const inUse = [...new Set(hosts.flatMap((h) => h.tags))].sort();
    const known = inUse.length > 0 ? `tags in use: ${inUse.join(', ')}` : 'no host has tags';
    throw new UsageError(
      `no hosts match -g ${tags.join(',')} (${known}): pick a tag in use, ` +
        'or add tags= to hosts in the hosts file',
    );
  }
  return kept;
}

function removeExcluded(hosts: readonly HostEntry[], exclude: string): HostEntry[] {
  const names = new Set(naming('-x', () => expandList(exclude)));
  const kept = hosts.filter((h) => !names.has(h.name) && !names.has(h.host));
  if (kept.length === 0 && hosts.length > 0) {
    throw new UsageError(
      `no hosts left after -x ${exclude}: every selected host is excluded; narrow the -x list`,
    );
  }
  return kept;
}

function removeDuplicates(hosts: readonly HostEntry[]): HostEntry[] {
  const seen = new Set<string>();
  return hosts.filter((h) => {
    const key = `${h.user ?? ''}@${h.host}:${h.port ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
