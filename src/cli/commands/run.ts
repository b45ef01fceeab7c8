import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import type { Argv, ArgumentsCamelCase } from 'yargs';
// Straight from the modules, not the package index: that would load ssh2 and the fleet too.
import { exitCodeFor } from '../../outcome/exit-code.js';
import { joblog } from '../../report/joblog.js';
import { groupedOutput, inCommandOrder, type TagMode } from '../../report/run-output.js';
import { runJsonLines } from '../../report/run-json.js';
import { runSummaryLine } from '../../report/run-summary.js';
import { readCommandLines } from '../../run/command-lines.js';
import type { RunReporter } from '../../run/events.js';
import { runCommands } from '../../run/run-commands.js';
import { closeDefaultLauncher } from '../../pool/default-launcher.js';
import { handleInterrupts } from '../interrupt.js';
import { positiveInteger, secondsToMs, withValue } from '../options.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../../usage-error.js';

interface RunArgs {
  file?: string;
  // Numbers are left untyped for yargs so that a bad value reaches our check as the user typed
  // it ("got 'abc'") instead of as NaN.
  jobs?: unknown;
  timeout: unknown;
  'kill-after': unknown;
  json: boolean;
  joblog?: string;
  tag?: TagMode;
  'keep-order': boolean;
}

export function runCommand(context: CliContext) {
  return {
    command: 'run [file]',
    aliases: ['multiprocess'],
    describe: 'Run shell commands, one a line, on this machine: a pool with deadlines',
    builder: (y: Argv) =>
      y
        .positional('file', {
          type: 'string',
          describe: 'File of commands, one a line; - or none for standard input',
        })
        .option('jobs', {
          requiresArg: true,
          alias: 'j',
          describe: 'At most this many commands at once [default: number of CPUs]',
        })
        .option('timeout', {
          requiresArg: true,
          alias: 't',
          default: 0,
          describe:
            'Seconds each command may run before its whole process tree is stopped; 0: none',
        })
        .option('kill-after', {
          requiresArg: true,
          default: 2,
          describe: 'Seconds between TERM and KILL when stopping a command',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'One JSON object a line per command, nothing else on stdout',
        })
        .option('joblog', {
          requiresArg: true,
          type: 'string',
          describe: "Write GNU parallel's joblog TSV to FILE",
        })
        .option('tag', {
          choices: ['number', 'command', 'none'] as const,
          describe:
            'Prefix output lines with the command number or text [default: number when -j > 1]',
        })
        .option('keep-order', {
          alias: 'k',
          type: 'boolean',
          default: false,
          describe: 'Print results in the order of the commands, not as they end',
        })
        .example('$0 run -j 8 -t 60 cmds.txt', '8 at once, each stopped after 60 s')
        .example("printf 'sleep 1\\nexit 3\\n' | $0 run --json", 'one JSON line per command')
        .example('multiprocess 4 30 < cmds.txt', "LWT's form: 4 at once, 30 s each"),
    handler: async (args: ArgumentsCamelCase<RunArgs>) => {
      const jobs =
        args.jobs === undefined ? availableParallelism() : positiveInteger(args.jobs, '--jobs');
      const timeoutMs = secondsToMs(args.timeout, '--timeout');
      const killAfterMs = secondsToMs(args['kill-after'], '--kill-after');
      if (args.joblog !== undefined) withValue(args.joblog, '--joblog');
      const input = await openCommands(args.file, context.stdin);
      const streams = { stdout: context.stdout, stderr: context.stderr };

      const reporters: RunReporter[] = [];
      const tag: TagMode = args.tag ?? (jobs > 1 ? 'number' : 'none');
      const output = args.json ? runJsonLines(streams.stdout) : groupedOutput(streams, tag);
      reporters.push(args['keep-order'] ? inCommandOrder(output) : output);
      if (args.joblog) reporters.push(joblog(args.joblog));
      reporters.push(runSummaryLine(streams.stderr));

      const interrupts = handleInterrupts(context);
      try {
        // Stop reading the list too, so that a stop does not wait for more input.
        interrupts.stopper.signal.addEventListener('abort', () => input.destroy());
        const summary = await runCommands(readCommandLines(input), {
          jobs,
          timeoutMs,
          killAfterMs,
          stopper: interrupts.stopper,
          reporters,
        });
        await closeDefaultLauncher();
        context.setExitCode(
          exitCodeFor(
            summary.results.map((r) => r.outcome),
            { interruptedBy: interrupts.by() },
          ),
        );
      } finally {
        interrupts.dispose();
        input.destroy();
      }
    },
  };
}

/** The command list; opened here, before anything runs, so that a bad FILE is a usage error. */
async function openCommands(file: string | undefined, stdin: Readable): Promise<Readable> {
  // yargs hands a lone "-" to a string positional as '' (and cannot tell it from a real '').
  if (file === undefined || file === '-' || file === '') return stdin;
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new UsageError(`cannot read the command file: ${why ?? String(error)}`, { file });
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new UsageError(`the command file is not a regular file`, { file });
  }
  return handle.createReadStream();
}
