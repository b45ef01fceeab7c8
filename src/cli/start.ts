import { fileURLToPath } from 'node:url';
import { cacheFileFor, loadCommonJs } from './code-cache.js';
import { commandOf } from './command-names.js';

/** The CLI bundle that scripts/bundle-cli.mjs builds: lwt's CLI with yargs and ssh2 in one file. */
const BUNDLE = fileURLToPath(new URL('../cli-bundle/lwt.cjs', import.meta.url));

interface CliBundle {
  runCli(alias?: string): Promise<void>;
}

/**
 * What the bins call: loads the CLI bundle through V8's code cache (code-cache.ts says why),
 * writes the cache when the run exits if there was none, and runs the CLI.
 */
export async function startCli(alias?: string): Promise<void> {
  const command = commandOf(alias, process.argv.slice(2));
  const loaded = loadCommonJs(BUNDLE, cacheFileFor(BUNDLE, command));
  // runCli ends with process.exit; 'exit' handlers run synchronously, before the process goes.
  process.once('exit', loaded.save);
  await (loaded.exports as CliBundle).runCli(alias);
}
