import type { ArgumentsCamelCase, Argv } from 'yargs';
import { checkCandidates, type CandidatesChecked, type Thresholds } from '../../index.js';
import { loadHealthConfig, type HealthConfig } from '../../health/config-file.js';
import { needsBandwidth } from '../../health/thresholds.js';
import { parseSize } from '../../health/units.js';
import { ExitCode } from '../../outcome/exit-code.js';
import { UsageError } from '../../usage-error.js';
import type { CliContext } from '../context.js';
import { addFleetOptions, fleetRunOptions, loadFleet, type FleetArgs } from '../fleet-options.js';
import { handleInterrupts } from '../interrupt.js';
import { secondsToMs } from '../options.js';
import { printHostRows } from './hosts-output.js';

interface CheckArgs extends FleetArgs {
  timeout?: unknown;
  bandwidth?: boolean;
  'bandwidth-size'?: string;
  'max-load'?: number;
  'min-free-disk'?: string;
  'min-put-rate'?: string;
  'min-get-rate'?: string;
  check?: string[];
  strict: boolean;
  json: boolean;
}

/** Without -p: every candidate at once, up to this many, so a frozen host costs one deadline. */
const CHECK_PARALLEL = 256;
const DEFAULT_TIMEOUT_S = 10;
const DEFAULT_BANDWIDTH_SIZE = '1M';

export function hostsCheckCommand(context: CliContext) {
  return {
    command: 'check',
    describe: 'Probe every candidate host and keep which are available (in .lwt/)',
    builder: (y: Argv) =>
      addFleetOptions(y)
        .option('parallel', {
          requiresArg: true,
          alias: 'p',
          default: CHECK_PARALLEL,
          describe: 'Hosts at once',
        })
        .option('timeout', {
          requiresArg: true,
          alias: 't',
          describe: `Seconds for the probe, checks and transfers on a host once connected [default: ${DEFAULT_TIMEOUT_S}]`,
        })
        .option('max-load', {
          requiresArg: true,
          type: 'number',
          describe: 'Most 1-minute load per core',
        })
        .option('min-free-disk', {
          requiresArg: true,
          type: 'string',
          describe: 'Least free disk in the home folder: 2G',
        })
        .option('bandwidth', {
          type: 'boolean',
          describe: 'Put and get a test file, measure both rates',
        })
        .option('bandwidth-size', {
          requiresArg: true,
          type: 'string',
          describe: `Size of the test file [default: ${DEFAULT_BANDWIDTH_SIZE}]`,
        })
        .option('min-put-rate', {
          requiresArg: true,
          type: 'string',
          describe: 'Least put rate, per second: 10M (implies --bandwidth)',
        })
        .option('min-get-rate', {
          requiresArg: true,
          type: 'string',
          describe: 'Least get rate, per second: 10M (implies --bandwidth)',
        })
        .option('check', {
          nargs: 1,
          type: 'string',
          array: true,
          describe: 'A command that must exit 0 on the host, in its home (repeatable)',
        })
        .option('strict', {
          type: 'boolean',
          default: false,
          describe: 'Exit 1 when a candidate is unhealthy, 4 when one is unreachable (for cron)',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'One JSON object a line per host',
        })
        .group(
          [
            'timeout',
            'max-load',
            'min-free-disk',
            'bandwidth',
            'bandwidth-size',
            'min-put-rate',
            'min-get-rate',
            'check',
          ],
          'Thresholds (also in .lwt/config.json):',
        )
        .example('$0 hosts check --max-load 1.5 --min-free-disk 5G', 'thresholds from flags')
        .example(
          "$0 hosts check --check 'test -w /scratch' --bandwidth",
          'a custom check and rates',
        )
        .example('$0 hosts check --strict', 'from cron: non-zero when a host is not available'),
    handler: async (args: ArgumentsCamelCase<CheckArgs>) => {
      const fleet = await loadFleet(args, context, { availableOnly: false });
      const config = await loadHealthConfig(fleet.stateDir);
      const thresholds = readThresholds(args, config);
      const bandwidth = args.bandwidth ?? config.bandwidth ?? needsBandwidth(thresholds);
      const size = parseSize(
        args['bandwidth-size'] ?? config['bandwidth-size'] ?? DEFAULT_BANDWIDTH_SIZE,
        '--bandwidth-size',
      );
      if (bandwidth && size < 1) throw new UsageError('--bandwidth-size must be 1 byte or more');
      const timeoutMs = secondsToMs(
        args.timeout ?? config.timeout ?? DEFAULT_TIMEOUT_S,
        '--timeout',
      );
      if (timeoutMs === 0) throw new UsageError('--timeout must be more than 0 seconds');

      const interrupts = handleInterrupts(context);
      let checked: CandidatesChecked;
      try {
        checked = await checkCandidates(fleet.hosts, {
          stateDir: fleet.stateDir,
          thresholds,
          ...fleetRunOptions(fleet, args, interrupts.stopper),
          timeoutMs,
          bandwidthBytes: bandwidth ? size : undefined,
          reporters: [{ onNote: (m) => context.stderr.write(`lwt: ${m}\n`) }],
        });
      } finally {
        interrupts.dispose();
      }
      const rows = checked.checks.map((c) => ({ name: c.target.name, key: c.key }));
      printHostRows(rows, checked.state, { json: args.json, maxAgeMs: Infinity }, context);
      context.stderr.write(summarize(checked) + '\n');
      const by = interrupts.by();
      if (by) context.setExitCode(by === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
      else if (args.strict) context.setExitCode(strictCode(checked));
    },
  };
}

function readThresholds(args: CheckArgs, config: HealthConfig): Thresholds {
  const size = (flag: keyof CheckArgs & keyof HealthConfig) => {
    const value = args[flag] ?? config[flag];
    return value === undefined ? undefined : parseSize(value, `--${flag}`);
  };
  const maxLoad = args['max-load'] ?? config['max-load'];
  if (maxLoad !== undefined && !(Number.isFinite(maxLoad) && maxLoad >= 0)) {
    // yargs has already turned a word into NaN; the flag and the form are what help.
    throw new UsageError('--max-load must be a load per core of 0 or more, like 1.5');
  }
  const checks = args.check ?? config.check ?? [];
  if (checks.some((c) => c.trim() === ''))
    throw new UsageError('--check was given an empty command');
  return {
    maxLoadPerCore: maxLoad,
    minFreeDiskBytes: size('min-free-disk'),
    minPutBytesPerSecond: size('min-put-rate'),
    minGetBytesPerSecond: size('min-get-rate'),
    checks,
  };
}

/** "lwt hosts check: 45 available, 2 unhealthy, 3 unreachable (50 hosts in 4.2s); kept in ..." */
function summarize(checked: CandidatesChecked): string {
  const count = (status: string) =>
    checked.checks.filter((c) => c.record?.status === status).length;
  const canceled = checked.checks.filter((c) => !c.record).length;
  const parts = [`${count('available')} available`];
  if (count('unhealthy') > 0) parts.push(`${count('unhealthy')} unhealthy`);
  if (count('unreachable') > 0) parts.push(`${count('unreachable')} unreachable`);
  if (canceled > 0) parts.push(`${canceled} not checked (interrupted)`);
  const n = checked.checks.length;
  const seconds = (checked.durationMs / 1000).toFixed(1);
  return `lwt hosts check: ${parts.join(', ')} (${n} host${n === 1 ? '' : 's'} in ${seconds}s); kept in ${checked.statePath}`;
}

function strictCode(checked: CandidatesChecked): number {
  const statuses = checked.checks.map((c) => c.record?.status);
  if (statuses.includes('unreachable')) return ExitCode.unreachable;
  if (statuses.some((s) => s !== 'available')) return ExitCode.failed;
  return ExitCode.ok;
}
