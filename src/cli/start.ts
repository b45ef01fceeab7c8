import { fileURLToPath } from 'node:url';
import { cacheFileFor, loadCommonJs } from './code-cache.js';
import { releaseHeapFlag } from './heap-flag.js';
import { commandOf } from './command-names.js';
import { ExitCode } from '../outcome/exit-code.js';

/**
 * The CLI bundle that scripts/bundle-cli.mjs builds: lwt's CLI with yargs and ssh2 in one file.
 * This file is bundled next to it as dist/cli-bundle/start.cjs, which the bins require.
 */
const BUNDLE = fileURLToPath(new URL('../cli-bundle/lwt.cjs', import.meta.url));

interface CliBundle {
  runCli(alias?: string): Promise<void>;
}

/**
 * What the bins call: puts get's heap flag back first (heap-flag.ts), loads the CLI bundle
 * through V8's code cache (code-cache.ts says why), writes the cache when the run exits if
 * there was none, and runs the CLI.
 */
export async function startCli(alias?: string): Promise<void> {
  releaseHeapFlag();
  const command = commandOf(alias, process.argv.slice(2));
  const loaded = loadCommonJs(BUNDLE, cacheFileFor(command));
  // runCli ends with process.exit; 'exit' handlers run synchronously, before the process goes.
  process.once('exit', (code) => {
    // A usage error only parsed its arguments. Complete: the command did all its work, ok or
    // not (1: a command failed); a timeout, an unreachable host or Ctrl-C may have cut it short.
    if (code !== ExitCode.usage) loaded.save(code === ExitCode.ok || code === ExitCode.failed);
  });
  await (loaded.exports as CliBundle).runCli(alias);
}
