import { main } from './main.js';
import { translateAlias } from './aliases.js';

/**
 * The process entry of bin/lwt and the LWT-named bins: run the CLI on this process's streams
 * and exit with its code once output is flushed.
 */
export async function runCli(alias?: string): Promise<void> {
  restoreLauncherEnv(process.env);
  const argv = translateAlias(alias, process.argv.slice(2));
  const code = await main(argv, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    setExitCode: () => {},
  });
  process.exitCode = code;
  // Some handles (stdin read by readline, a lingering socket) can keep the loop alive after
  // the work is done; the result is decided, so leave once the output is written.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

/**
 * For `lwt put` the bins (scripts/make-bins.mjs) add GLIBC_TUNABLES, marked by
 * _LWT_GLIBC_TUNABLES, when the user had none. Put the environment back as it was, so that the
 * commands lwt starts see what they were given.
 */
export function restoreLauncherEnv(env: NodeJS.ProcessEnv): void {
  if (env._LWT_GLIBC_TUNABLES === undefined) return;
  delete env.GLIBC_TUNABLES;
  delete env._LWT_GLIBC_TUNABLES;
}
