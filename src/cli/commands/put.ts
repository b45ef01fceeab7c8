import type { ArgumentsCamelCase, Argv } from 'yargs';
import {
  exitCodeFor,
  LiveLine,
  put,
  putPerHost,
  transferJsonLines,
  transferLines,
  transferProgress,
  transferSummary,
  type CompareMode,
  type TransferReporter,
} from '../../index.js';
import { UsageError } from '../../usage-error.js';
import type { CliContext } from '../context.js';
import { addFleetOptions, fleetRunOptions, loadFleet, type FleetArgs } from '../fleet-options.js';
import { handleInterrupts } from '../interrupt.js';
import { secondsToMs } from '../options.js';

export interface TransferArgs extends FleetArgs {
  timeout: unknown;
  json: boolean;
  force: boolean;
  checksum?: boolean;
}

export function putCommand(context: CliContext) {
  return {
    command: 'put [paths..]',
    aliases: ['put-all'],
    describe: 'Copy files and folders to every host (each file written whole, then renamed)',
    builder: (y: Argv) =>
      addTransferOptions(addFleetOptions(y))
        .positional('paths', { type: 'string', array: true, describe: 'LOCAL... REMOTE' })
        .option('per-host', {
          type: 'boolean',
          default: false,
          describe: 'LOCAL is a folder of folders: each host gets LOCAL/<host>/ (put-all-diff)',
        })
        .epilogue(
          "One LOCAL and REMOTE without a trailing slash: a folder's contents go into REMOTE, a file becomes REMOTE " +
            '(or goes into it if REMOTE is a folder there). Several LOCALs, or REMOTE/, go into REMOTE under their ' +
            "own names. A relative REMOTE is under the host's home. Missing folders are created; modes and mtimes " +
            'are kept; symbolic links inside folders are sent as links (a LOCAL that is a link is followed). ' +
            'A file whose size and mtime match is skipped unless --checksum or --force.',
        )
        .example('$0 put ./dist /opt/app', "dist's contents into /opt/app on every host")
        .example('$0 put -w web[01-04] app.conf nginx.conf /etc/app/', 'two files into /etc/app/')
        .example('$0 put --per-host ./out data', './out/<host>/ into ~/data on each host')
        .example('put-all ./dist /opt/app', "LWT's name; put-all-diff DIR REMOTE is --per-host"),
    handler: async (
      args: ArgumentsCamelCase<TransferArgs & { paths?: string[]; 'per-host': boolean }>,
    ) => {
      const paths = [...(args.paths ?? []), ...args._.slice(1).map(String)];
      if (paths.length < 2) {
        throw new UsageError(
          args['per-host']
            ? 'give DIR and REMOTE: lwt put --per-host ./out /data'
            : 'give LOCAL... and REMOTE: lwt put ./dist /opt/app',
        );
      }
      const remote = paths.pop() as string;
      if (args['per-host'] && paths.length !== 1) {
        throw new UsageError('--per-host takes one DIR and REMOTE: lwt put --per-host ./out /data');
      }
      const compare = compareModeOf(args);
      await runTransferCommand(args, context, 'put', (fleet, options) =>
        args['per-host']
          ? putPerHost(fleet.hosts, paths[0] as string, remote, { ...options, compare })
          : put(fleet.hosts, paths, remote, { ...options, compare }),
      );
    },
  };
}

/** --force, --checksum or neither (the quick check); both at once is a usage error. */
export function compareModeOf(args: { force: boolean; checksum?: boolean }): CompareMode {
  if (args.force && args.checksum)
    throw new UsageError('--force and --checksum do not go together: pick one');
  return args.force ? 'force' : args.checksum ? 'checksum' : 'quick';
}

/** -t, --json, --force and --checksum, shared by put and get. */
export function addTransferOptions<T>(y: Argv<T>) {
  return y
    .option('timeout', {
      requiresArg: true,
      alias: 't',
      default: 0,
      describe: 'Seconds the whole transfer to a host may take once connected; 0: none',
    })
    .option('force', {
      alias: 'f',
      type: 'boolean',
      default: false,
      describe: 'Copy every file, also those that look unchanged',
    })
    .option('checksum', {
      alias: 'c',
      type: 'boolean',
      default: false,
      describe: 'Skip a file only when its content is the same (sha256), not size and mtime',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'One JSON object a line per host (with files and bytes), nothing else on stdout',
    });
}

type Loaded = Awaited<ReturnType<typeof loadFleet>>;
type CommonOptions = Parameters<typeof put>[3] & object;

/** Loads the fleet, picks the reporters, runs the transfer, sets the exit code. */
export async function runTransferCommand(
  args: TransferArgs,
  context: CliContext,
  name: string,
  run: (
    fleet: Loaded,
    options: CommonOptions,
  ) => Promise<{
    results: readonly {
      outcome: Parameters<typeof exitCodeFor>[0] extends Iterable<infer O> ? O : never;
    }[];
  }>,
): Promise<void> {
  const timeoutMs = secondsToMs(args.timeout, '--timeout');
  const fleet = await loadFleet(args, context);
  const streams = { stdout: context.stdout, stderr: context.stderr };
  const onTerminal = (context.stderr as { isTTY?: boolean }).isTTY === true;
  const live = onTerminal ? new LiveLine(context.stderr) : undefined;
  const reporters: TransferReporter[] = [];
  if (live) reporters.push(transferProgress(live, fleet.hosts.length));
  reporters.push(args.json ? transferJsonLines(streams.stdout) : transferLines(streams.stdout));
  reporters.push({
    onNote: (m) => {
      live?.clear();
      streams.stderr.write(`lwt: ${m}\n`);
      live?.restore();
    },
  });
  reporters.push(transferSummary(streams.stderr, name));
  const interrupts = handleInterrupts(context);
  try {
    const result = await run(fleet, {
      ...fleetRunOptions(fleet, args, interrupts.stopper),
      timeoutMs,
      reporters,
    });
    context.setExitCode(
      exitCodeFor(
        result.results.map((r) => r.outcome),
        { interruptedBy: interrupts.by() },
      ),
    );
  } finally {
    interrupts.dispose();
  }
}
