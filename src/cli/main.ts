import yargs from 'yargs';
import { ExitCode } from '../outcome/exit-code.js';
import { execCommand } from './commands/exec.js';
import { hostsCommand } from './commands/hosts.js';
import { runCommand } from './commands/run.js';
import type { CliContext } from './context.js';
import { describeCliError } from './describe-error.js';
import { UsageError } from '../usage-error.js';

/**
 * The whole CLI: parse, call the library, report. Resolves with the exit code instead of
 * exiting, so that tests and other programs can call it in-process.
 */
export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const withExit: CliContext = { ...context, setExitCode: (code) => (exitCode = code) };
  const parser = yargs()
    .scriptName('lwt')
    .usage(
      '$0 <command> [options]\n\nRun commands and move files across a fleet of hosts over SSH.',
    )
    .command(execCommand(withExit))
    .command(runCommand(withExit))
    .command(hostsCommand(withExit))
    .demandCommand(1, 'name a command: lwt exec, lwt run, ... (lwt --help lists them)')
    .strict()
    .env('LWT')
    .example('$0 exec -- uptime', 'uptime on every host in ./hosts')
    .example('$0 run -j 8 -t 60 cmds.txt', 'a local pool: 8 at once, 60 s each')
    .epilogue(
      'Exit codes: 0 all ok, 1 a command failed, 2 usage error, 3 a timeout, 4 a host unreachable, 130 Ctrl-C.',
    )
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  try {
    let helped = false;
    parser.showHelpOnFail(false);
    await parser.parseAsync([...argv], {}, (_err, _argv, output) => {
      // --help and --version print here; yargs hands us the text instead of exiting.
      if (output) {
        helped = true;
        context.stdout.write(output + '\n');
      }
    });
    if (helped) return ExitCode.ok;
    return exitCode;
  } catch (error) {
    const { message, code } = describeCliError(error);
    context.stderr.write(`lwt: ${message}\n`);
    return code;
  }
}
