import type { ArgumentsCamelCase, Argv } from 'yargs';
import {
  DEFAULT_MAX_OUTPUT_BYTES,
  exec,
  exitCodeFor,
  fleetGather,
  fleetJsonLines,
  fleetLines,
  fleetOutdir,
  fleetProgress,
  fleetSummary,
  LiveLine,
  maxRemoteExitCode,
  type FleetReporter,
} from '../../index.js';
import { makeLocalDirs } from '../../files/local-dirs.js';
import { UsageError } from '../../usage-error.js';
import type { CliContext } from '../context.js';
import { addFleetOptions, fleetRunOptions, loadFleet, type FleetArgs } from '../fleet-options.js';
import { handleInterrupts } from '../interrupt.js';
import { byteCount, secondsToMs } from '../options.js';
import { readAllStdin } from '../stdin.js';

interface ExecArgs extends FleetArgs {
  command?: string[];
  timeout: unknown;
  'kill-after': unknown;
  gather: boolean;
  outdir?: string;
  json: boolean;
  'max-output': unknown;
  'max-rc': boolean;
  stdin: boolean;
  n: boolean;
}

export function execCommand(context: CliContext) {
  return {
    command: 'exec [command..]',
    aliases: ['execute-all'],
    describe: 'Run a command on every host over SSH',
    builder: (y: Argv) =>
      addFleetOptions(y)
        .positional('command', { type: 'string', array: true, describe: 'The command (after --)' })
        .option('timeout', {
          requiresArg: true,
          alias: 't',
          default: 0,
          describe:
            'Seconds the command may run on a host before its whole remote tree is stopped; 0: none',
        })
        .option('kill-after', {
          requiresArg: true,
          default: 2,
          describe: 'Seconds between TERM and KILL of the remote tree',
        })
        .option('gather', {
          alias: 'b',
          type: 'boolean',
          default: false,
          describe: 'At the end, print each distinct output once under its folded host list',
        })
        .option('outdir', {
          requiresArg: true,
          alias: 'o',
          type: 'string',
          describe: 'Write DIR/<host>.out, .err, .status',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'One JSON object a line per host, nothing else on stdout',
        })
        .option('max-output', {
          requiresArg: true,
          default: `${DEFAULT_MAX_OUTPUT_BYTES / (1024 * 1024)}M`,
          describe:
            'With --json or -b: keep at most this much of each stream of each host (512K, 4M, 65536); the result says how much there was',
        })
        .option('max-rc', {
          type: 'boolean',
          default: false,
          describe: 'Exit with the largest remote exit code (255 if a host did not finish)',
        })
        .option('stdin', {
          type: 'boolean',
          default: true,
          describe:
            'Send our standard input (read to its end) to every host when it is not a terminal; --no-stdin: do not',
        })
        .option('n', {
          type: 'boolean',
          default: false,
          describe: 'Same as --no-stdin, as ssh -n: for scripts whose stdin never ends',
        })
        .example('$0 exec -- uptime', 'every host in ./hosts')
        .example("$0 exec -w 'web[01-20]' -t 30 -b -- 'df -h /'", 'gathered output, 30 s each')
        .example("$0 exec -g db --json -- 'systemctl is-active postgresql'", 'JSON lines')
        .example("execute-all 'uptime'", "LWT's name"),
    handler: async (args: ArgumentsCamelCase<ExecArgs>) => {
      const words = [...(args.command ?? []), ...args._.slice(1).map(String)];
      const command = words.join(' ');
      if (command.trim() === '') {
        throw new UsageError("no command given: lwt exec [options] -- 'uptime'");
      }
      if (args.gather && args.json)
        throw new UsageError('--gather and --json do not go together: pick one');
      const timeoutMs = secondsToMs(args.timeout, '--timeout');
      const killAfterMs = secondsToMs(args['kill-after'], '--kill-after');
      // Only --json and -b print what a result keeps; lines and -o pass output on as it comes.
      const maxOutputBytes =
        args.json || args.gather ? byteCount(args['max-output'], '--max-output') : 0;
      if (args.outdir !== undefined) await makeOutdir(args.outdir);
      const fleet = await loadFleet(args, context);
      const stdin = args.stdin && !args.n ? await readAllStdin(context.stdin) : undefined;

      const streams = { stdout: context.stdout, stderr: context.stderr };
      const onTerminal = (context.stderr as { isTTY?: boolean }).isTTY === true;
      const live = onTerminal ? new LiveLine(context.stderr) : undefined;
      const reporters: FleetReporter[] = [];
      // First: a host whose output could not be written ends as an error before others see it.
      if (args.outdir) reporters.push(fleetOutdir(args.outdir));
      if (live) reporters.push(fleetProgress(live, fleet.hosts.length));
      if (args.json) reporters.push(fleetJsonLines(streams.stdout));
      else if (args.gather) reporters.push(fleetGather(streams));
      else if (!args.outdir) reporters.push(fleetLines(streams, live));
      if (args.json || args.gather || args.outdir) {
        // Notes still reach the user when output lines are not printed as they come.
        reporters.push({ onNote: (m) => streams.stderr.write(`lwt: ${m}\n`) });
      }
      reporters.push(fleetSummary(streams.stderr));

      const interrupts = handleInterrupts(context);
      try {
        const result = await exec(fleet.hosts, command, {
          ...fleetRunOptions(fleet, args, interrupts.stopper),
          timeoutMs,
          killAfterMs,
          stdin,
          maxOutputBytes,
          reporters,
        });
        const outcomes = result.results.map((r) => r.outcome);
        const by = interrupts.by();
        context.setExitCode(
          args['max-rc'] && !by
            ? maxRemoteExitCode(outcomes)
            : exitCodeFor(outcomes, { interruptedBy: by }),
        );
      } finally {
        interrupts.dispose();
      }
    },
  };
}

/** -o DIR made before any host is contacted, so that a folder that cannot be is one usage error. */
async function makeOutdir(dir: string): Promise<void> {
  if (dir.trim() === '') throw new UsageError('--outdir needs a folder: -o ./out');
  try {
    await makeLocalDirs(dir);
  } catch (error) {
    throw new UsageError(`--outdir: ${(error as Error).message}`);
  }
}
