import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import {
  loadHostsFile,
  loadSshConfig,
  selectHosts,
  type HostEntry,
  type ParsedSshConfig,
} from '../hosts/index.js';
import { stateDirFor } from '../health/state-store.js';
import type { Stopper } from '../pool/stop.js';
import type { HostKeyPolicy } from '../transport/ssh2/host-key.js';
import { UsageError } from '../usage-error.js';
import { keepAvailableHosts, readMaxAge } from './available-hosts.js';
import type { CliContext } from './context.js';
import { positiveInteger, secondsToMs } from './options.js';

/** The options every fleet command shares: which hosts, how to reach them, how many at once. */
export interface FleetArgs {
  'hosts-file'?: string;
  w?: string;
  g?: string[];
  x?: string;
  F?: string;
  i?: string[];
  l?: string;
  parallel: unknown;
  'connect-timeout': unknown;
  'host-key-check'?: HostKeyPolicy;
  'all-candidates'?: boolean;
  'max-age'?: string;
}

export function addFleetOptions<T>(y: Argv<T>) {
  return (
    y
      .option('hosts-file', {
        requiresArg: true,
        alias: 'H',
        type: 'string',
        describe: 'Hosts file [default: $LWT_HOSTS, else ./hosts]',
      })
      // Long twins of the short flags, so LWT_SSH_CONFIG or {"exclude": ...} can name them too.
      .option('w', {
        requiresArg: true,
        alias: 'host-list',
        type: 'string',
        describe: 'Hosts to use instead of the file: web[01-05],db1',
      })
      .option('g', {
        // One value a flag (-g web -g db): an array option otherwise takes every word after it,
        // the command too (`lwt exec -g web uptime`).
        nargs: 1,
        alias: 'tag',
        type: 'string',
        array: true,
        describe: 'Only hosts with this tag (repeatable)',
      })
      .option('x', {
        requiresArg: true,
        alias: 'exclude',
        type: 'string',
        describe: 'Exclude these hosts: web[03-04]',
      })
      .option('F', {
        requiresArg: true,
        alias: 'ssh-config',
        type: 'string',
        describe: 'ssh config file, as ssh -F [default: ~/.ssh/config]',
      })
      .option('i', {
        nargs: 1, // One value a flag, as -g.
        alias: 'identity',
        type: 'string',
        array: true,
        describe: 'Identity (private key) file, as ssh -i',
      })
      .option('l', {
        requiresArg: true,
        alias: 'login',
        type: 'string',
        describe: 'Log in as this user, as ssh -l',
      })
      .option('parallel', { requiresArg: true, alias: 'p', default: 64, describe: 'Hosts at once' })
      .option('connect-timeout', {
        requiresArg: true,
        default: 10,
        describe: 'Seconds for TCP, key exchange and authentication',
      })
      .option('host-key-check', {
        choices: ['accept-new', 'yes', 'no'] as const,
        describe:
          'Unknown host keys: remember (accept-new), refuse (yes), or skip checks (no) [default: StrictHostKeyChecking from the ssh config, else accept-new]',
      })
      .option('all-candidates', {
        type: 'boolean',
        describe:
          'Use every selected host, also those the last lwt hosts check found not available',
      })
      .option('max-age', {
        requiresArg: true,
        type: 'string',
        describe:
          'A host check older than this is not used to leave hosts out: 90s, 30m, 2h [default: max-age of .lwt/config.json, else 1h]',
      })
      .group(
        [
          'hosts-file',
          'w',
          'g',
          'x',
          'F',
          'i',
          'l',
          'parallel',
          'connect-timeout',
          'host-key-check',
        ],
        'Hosts and SSH:',
      )
      .group(['all-candidates', 'max-age'], 'Available hosts (see lwt hosts):')
  );
}

export interface Fleet {
  /** The hosts to use: the candidates, less those not available (see keepAvailableHosts). */
  readonly hosts: HostEntry[];
  /** Every host the hosts file, -w, -g and -x select. */
  readonly candidates: HostEntry[];
  /** `<folder of the hosts file>/.lwt`, where host checks are kept. */
  readonly stateDir: string;
  /** A host check older than this is not used (--max-age, config, 1 h), in ms. */
  readonly maxAgeMs: number;
  readonly sshConfig?: ParsedSshConfig;
  readonly parallel: number;
  readonly connectTimeoutMs: number;
}

/**
 * Reads the hosts file (unless -w names the hosts), applies -g/-x, loads the ssh config, and
 * leaves out hosts a recent `lwt hosts check` found not available (unless --all-candidates, or
 * `availableOnly: false` for the commands that manage candidates themselves).
 */
export async function loadFleet(
  args: FleetArgs,
  context: CliContext,
  options: { readonly availableOnly?: boolean } = {},
): Promise<Fleet> {
  const parallel = positiveInteger(args.parallel, '--parallel');
  const connectTimeoutMs = secondsToMs(args['connect-timeout'], '--connect-timeout');
  if (connectTimeoutMs === 0) throw new UsageError('--connect-timeout must be more than 0 seconds');
  const file = args['hosts-file'] ?? (context.env.LWT_HOSTS || undefined) ?? 'hosts';
  let entries: HostEntry[] | undefined;
  if (args.w === undefined || args['hosts-file'] !== undefined || existsSync(file)) {
    // -w alone does not need a file, but uses one when there is one for the attributes.
    entries = args.w !== undefined && !existsSync(file) ? undefined : await loadHostsFile(file);
  }
  const candidates = selectHosts(entries, { list: args.w, tags: args.g, exclude: args.x });
  const sshConfig = await loadSshConfig(args.F);
  const stateDir = stateDirFor(resolve(file));
  const maxAgeMs = await readMaxAge(args['max-age'], stateDir);
  const hosts =
    options.availableOnly === false || args['all-candidates']
      ? candidates
      : await keepAvailableHosts(
          { candidates, stateDir, sshConfig, user: args.l, list: args.w, maxAgeMs },
          context,
        );
  return { hosts, candidates, stateDir, maxAgeMs, sshConfig, parallel, connectTimeoutMs };
}

/**
 * The library options every fleet command passes the same way: how many hosts at once, how to
 * connect (ssh config, -l, -i, host key policy, connect deadline) and the Ctrl-C stopper.
 */
export function fleetRunOptions(fleet: Fleet, args: FleetArgs, stopper: Stopper) {
  return {
    parallel: fleet.parallel,
    connectTimeoutMs: fleet.connectTimeoutMs,
    config: fleet.sshConfig,
    user: args.l,
    identityFiles: args.i,
    hostKeyPolicy: args['host-key-check'],
    stopper,
  };
}
