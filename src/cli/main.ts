import yargs from 'yargs';
import { ExitCode } from '../outcome/exit-code.js';
import type { Argv } from 'yargs';
import type { CliContext } from './context.js';
import { describeCliError } from './describe-error.js';
import { UsageError } from '../usage-error.js';
import { ALIASES, type CommandName } from './command-names.js';
import { lwtVersion } from './version.js';
import { skipHelpCache } from './help-cache.js';
import {
  settingsFromEnv,
  settingsFromFile,
  UnknownOptionsError,
  unknownOptionNames,
  type Settings,
} from './setting-sources.js';

/**
 * The whole CLI: parse, call the library, report. Resolves with the exit code instead of
 * exiting, so that tests and other programs can call it in-process.
 */
export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const withExit: CliContext = { ...context, setExitCode: (code) => (exitCode = code) };
  try {
    // Flags win over LWT_* variables, which win over .lwt/config.json.
    const settings: Settings = {
      ...(await settingsFromFile(context.cwd ?? process.cwd())),
      ...settingsFromEnv(context.env),
    };
    const commands = await loadCommands(argv);
    for (;;) {
      try {
        const helped = await parse(argv, withExit, settings, commands);
        return helped ? ExitCode.ok : exitCode;
      } catch (error) {
        // The config file and the environment hold settings for every command; those that
        // this command has no option for are not mistakes, so drop them and parse again.
        const unknown = error instanceof UnknownOptionsError ? error.names : [];
        const dropped = unknown.filter((name) => name in settings);
        if (dropped.length === 0) throw error;
        for (const name of dropped) delete settings[name];
      }
    }
  } catch (error) {
    const { message, code } = describeCliError(error);
    context.stderr.write(`lwt: ${message}\n`);
    return code;
  }
}

/** Adds one command to the parser. */
type Register = (parser: Argv, context: CliContext) => Argv;

/**
 * Each command's module, by every name it answers to, loaded only when asked for: the fleet
 * commands pull in ssh2 and more, which `lwt run` (and its 1000-command benchmarks) should not
 * pay for at every start.
 */
const COMMANDS: Readonly<Record<CommandName, () => Promise<Register>>> = {
  exec: async () => {
    const { execCommand } = await import('./commands/exec.js');
    return (parser, context) => parser.command(execCommand(context));
  },
  run: async () => {
    const { runCommand } = await import('./commands/run.js');
    return (parser, context) => parser.command(runCommand(context));
  },
  hosts: async () => {
    const { hostsCommand } = await import('./commands/hosts.js');
    return (parser, context) => parser.command(hostsCommand(context));
  },
  put: async () => {
    const { putCommand } = await import('./commands/put.js');
    return (parser, context) => parser.command(putCommand(context));
  },
  get: async () => {
    const { getCommand } = await import('./commands/get.js');
    return (parser, context) => parser.command(getCommand(context));
  },
};

/** The commands to register: the one named first on the line, or all (for help, mistakes). */
async function loadCommands(argv: readonly string[]): Promise<Register[]> {
  const first = argv[0] ?? '';
  const name = ALIASES[first] ?? first;
  const chosen = Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  return Promise.all(chosen.map((n) => COMMANDS[n as CommandName]()));
}

/** One parse and run; resolves true when it printed --help or --version instead. */
async function parse(
  argv: readonly string[],
  context: CliContext,
  settings: Settings,
  commands: readonly Register[],
): Promise<boolean> {
  let parser: Argv = yargs()
    // Not the user's locale: usageError below reads yargs' English messages.
    .locale('en')
    .scriptName('lwt')
    .version(lwtVersion())
    .usage(
      '$0 <command> [options]\n\nRun commands and move files across a fleet of hosts over SSH.',
    );
  for (const register of commands) parser = register(parser, context);
  parser = parser
    .demandCommand(1, 'name a command: lwt exec, lwt run, ... (lwt --help lists them)')
    .strict()
    .config(settings)
    .example('$0 exec -- uptime', 'uptime on every host in ./hosts')
    .example('$0 run -j 8 -t 60 cmds.txt', 'a local pool: 8 at once, 60 s each')
    .epilogue(
      'Exit codes: 0 all ok, 1 a command failed, 2 usage error, 3 a timeout, 4 a host unreachable, 130 Ctrl-C.\n' +
        'Defaults for any option: LWT_<OPTION> variables (LWT_CONNECT_TIMEOUT=5), then .lwt/config.json ({"parallel": 32}).',
    )
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((message, error) => {
      // yargs' own parse errors (a YError) are the user's mistakes; any other error was thrown
      // by a command and is passed on as it is.
      throw error !== undefined && error.name !== 'YError' ? error : usageError(message, argv);
    });
  skipHelpCache(parser);
  let helped = false;
  await parser.parseAsync([...argv], {}, (_err, _argv, output) => {
    // --help and --version print here; yargs hands us the text instead of exiting.
    if (output) {
      helped = true;
      context.stdout.write(output + '\n');
    }
  });
  return helped;
}

/** yargs' complaint as a line that says what to do. */
function usageError(message: string, argv: readonly string[]): UsageError {
  // An option that takes a value (requiresArg) given last, or before another option.
  const bare = /^Not enough arguments following: (\S+)$/.exec(message)?.[1];
  if (bare !== undefined)
    return new UsageError(`${bare.length === 1 ? '-' : '--'}${bare} needs a value`);
  const unknown = unknownOptionNames(message);
  if (!unknown) return new UsageError(message);
  const first = argv[0];
  if (first !== undefined && unknown.includes(first)) {
    return new UnknownOptionsError(`unknown command '${first}': lwt --help lists them`, unknown);
  }
  // `lwt hosts check --x`: the help to read is the subcommand's.
  const second = first === 'hosts' ? argv[1] : undefined;
  if (second !== undefined && unknown.includes(second)) {
    return new UnknownOptionsError(
      `unknown command 'hosts ${second}': lwt hosts --help lists them`,
      unknown,
    );
  }
  const commandWords = [first, second].filter((w) => w !== undefined && !w.startsWith('-'));
  const command = ['lwt', ...commandWords].join(' ');
  // yargs calls a surplus positional word an unknown argument too; say which it is.
  const named = (name: string) =>
    argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`);
  const options = unknown
    .filter(named)
    .map((name) => (name.length === 1 ? `-${name}` : `--${name}`));
  // yargs lists --max-lod also as maxLod, its camel-case twin: not a second mistake.
  const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const twins = new Set(unknown.filter((n) => n.includes('-') && named(n)).map(camel));
  const words = unknown
    .filter((name) => !named(name) && !twins.has(name))
    .map((name) => `'${name}'`);
  const parts = [
    ...(options.length
      ? [`unknown ${options.length === 1 ? 'option' : 'options'} ${options.join(', ')}`]
      : []),
    ...(words.length
      ? [`unexpected ${words.length === 1 ? 'argument' : 'arguments'} ${words.join(', ')}`]
      : []),
  ];
  return new UnknownOptionsError(
    `${parts.join('; ')}: ${command} --help lists what it takes`,
    unknown,
  );
}
