import { join } from 'node:path';
import {
  expandHostPattern,
  resolveSshSettings,
  splitHostList,
  type HostEntry,
  type ParsedSshConfig,
} from '../hosts/index.js';
import { selectAvailable } from '../health/available-set.js';
import { loadHealthConfig } from '../health/config-file.js';
import { stateKeyOf } from '../health/hosts-state.js';
import { loadHostsState, STATE_FILE_NAME } from '../health/state-store.js';
import { parseDuration } from '../health/units.js';
import { UsageError } from '../usage-error.js';
import type { CliContext } from './context.js';

/** Without --max-age or the config's max-age: a check older than this is not used. */
export const DEFAULT_MAX_AGE = '1h';

export interface AvailableHostsInput {
  readonly candidates: readonly HostEntry[];
  readonly stateDir: string;
  readonly sshConfig?: ParsedSshConfig;
  /** -l, which changes the address a host is checked at. */
  readonly user?: string;
  /** -w as given: hosts named one by one there are used even when not available. */
  readonly list?: string;
  /** A check older than this is not used (readMaxAge). */
  readonly maxAgeMs: number;
}

/**
 * --max-age, else max-age of the state folder's config.json, else 1 hour, in ms. Read by every
 * fleet command even when no check exists yet, so that a mistyped value is an error at once
 * and not only on the day a check result appears.
 */
export async function readMaxAge(maxAge: string | undefined, stateDir: string): Promise<number> {
  if (maxAge !== undefined) return parseDuration(maxAge, '--max-age');
  const config = await loadHealthConfig(stateDir);
  return parseDuration(config['max-age'] ?? DEFAULT_MAX_AGE, 'max-age');
}

/**
 * The hosts a fleet command uses: the candidates minus those a recent `lwt hosts check` found
 * unhealthy or unreachable, with the one line on stderr that says so. A host the user named
 * on its own with -w (`-w web07`, not `-w 'web[01-20]'`) is kept: naming one host is asking
 * for it, perhaps to find out what is wrong with it.
 */
export async function keepAvailableHosts(
  input: AvailableHostsInput,
  context: CliContext,
): Promise<HostEntry[]> {
  const path = join(input.stateDir, STATE_FILE_NAME);
  const loaded = await loadHostsState(path);
  if (loaded.kind === 'missing') return [...input.candidates];
  if (loaded.kind === 'unreadable') {
    context.stderr.write(
      `lwt: ignoring ${path} (${loaded.message}); lwt hosts check rewrites it\n`,
    );
    return [...input.candidates];
  }
  const named = namedOneByOne(input.list);
  const selection = selectAvailable(
    input.candidates.map((host) => ({
      host,
      key: stateKeyOf(resolveSshSettings(host, { config: input.sshConfig, user: input.user })),
      named: named.has(host.name),
    })),
    loaded.state,
    { maxAgeMs: input.maxAgeMs, now: new Date() },
  );
  if (selection.use.length === 0) {
    throw new UsageError(
      `none of the ${input.candidates.length} hosts is available at the last check: ` +
        'see lwt hosts list, run lwt hosts check again, or use --all-candidates',
    );
  }
  if (selection.note) context.stderr.write(`lwt: ${selection.note}\n`);
  return selection.use;
}

/** The names of -w items that are one host each (no range). */
function namedOneByOne(list: string | undefined): Set<string> {
  if (list === undefined) return new Set();
  const single = splitHostList(list).filter((item) => expandHostPattern(item).length === 1);
  return new Set(single.flatMap((item) => expandHostPattern(item)));
}
